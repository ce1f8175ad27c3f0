"""torch.autograd.Function: an op whose forward and backward the user writes (torch/autograd/function.py).

As in PyTorch the ctx handed to forward and backward is the graph node itself, of a class made per Function
subclass and called "<ClassName>Backward" (torch.autograd.function.MyFnBackward).
"""

import warnings

from . import graph
from .grad_mode import is_grad_enabled, no_grad


def _is_tensor(value):
    from .._tensor import Tensor

    return isinstance(value, Tensor)


class FunctionCtx:
    """What forward (or setup_context) may record for backward."""

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        from .._unsupported import unsupported

        raise unsupported("torch.autograd.function.FunctionCtx.mark_dirty")

    def mark_non_differentiable(self, *args):
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        self.materialize_grads = value


FunctionCtx.__module__ = "torch.autograd.function"


class BackwardCFunction(graph.Node, FunctionCtx):
    """The node a Function's outputs point to; it is also the ctx of forward and backward."""

    _forward_cls = None
    materialize_grads = True
    to_save = ()
    non_differentiable = ()

    def __init__(self):
        self._backward, self._saved, self.next_functions = None, (), ()
        self._input_metadata, self._output_count = (), 1

    def _record(self, edges, outputs, saved):
        graph.Node.__init__(self, edges, self._call_backward, saved)
        self._saved_output_nrs = graph._output_nrs(saved, outputs)
        self._input_metadata = tuple(graph.InputMetadata(o) if _is_tensor(o) else None for o in outputs)
        self._output_count = len(outputs)

    def _num_outputs(self):
        return self._output_count

    @property
    def saved_tensors(self):
        self._check_saved()
        return tuple(t for t, _ in self._saved)

    def _call_backward(self, grads):
        from .._ops.creation import zeros

        grads = grads if isinstance(grads, tuple) else (grads,)
        if self.materialize_grads:
            grads = tuple(
                zeros(m.shape, dtype=m.dtype) if g is None and m is not None else g
                for g, m in zip(grads, self._input_metadata)
            )
        result = self._forward_cls.backward(self, *grads)
        result = result if isinstance(result, tuple) else (result,)
        return self._validate(result)

    def _validate(self, result):
        """One gradient per forward input; None for non-tensor inputs; shapes summed back as validate_outputs."""
        from .._ops import reduction

        name = type(self).__name__
        inputs = self._forward_inputs
        if len(result) != len(inputs):
            if len(result) > len(inputs) and all(g is None for g in result[len(inputs) :]):
                result = result[: len(inputs)]
            else:
                raise RuntimeError(
                    f"function {name} returned an incorrect number of gradients (expected "
                    f"{len(inputs)}, got {len(result)})"
                )
        grads = []
        for i, (grad, value) in enumerate(zip(result, inputs)):
            if not _is_tensor(value):
                if grad is not None:
                    raise RuntimeError(
                        f"function {name} returned a gradient different than None at position "
                        f"{i + 1}, but the corresponding forward input was not a Variable"
                    )
                continue
            if grad is not None and grad._shape != value._shape:
                if not _expandable(value._shape, grad._shape):
                    raise RuntimeError(
                        f"Function {name} returned an invalid gradient at index {i} - got "
                        f"{list(grad._shape)} but expected shape compatible with "
                        f"{list(value._shape)}"
                    )
                grad = reduction.sum_to(grad, value._shape)
            grads.append(grad)
        return tuple(grads)

    def __getattr__(self, name):
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


BackwardCFunction.__module__ = "torch.autograd.function"


def _expandable(shape, desired):
    if len(shape) > len(desired):
        return False
    return all(s == d or s == 1 for s, d in zip(reversed(shape), reversed(desired)))


class FunctionMeta(type):
    """Makes, for each Function subclass, its node class "<Name>Backward"."""

    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(
            name + "Backward", (BackwardCFunction,), {"_forward_cls": cls, "__module__": "torch.autograd.function"}
        )
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    def __init__(self, *args, **kwargs):
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, so you "
            "should invoke them on the class itself. Instantiating an autograd function will raise an error in a "
            "future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(_is_tensor(a) and a.requires_grad for a in args)
        with no_grad():
            if cls.setup_context is not Function.setup_context:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        if not (is_grad_enabled() and any(ctx.needs_input_grad)):
            return output
        is_tuple = isinstance(output, tuple)
        outputs = list(output) if is_tuple else [output]
        for i, out in enumerate(outputs):
            if _is_tensor(out) and any(out is a for a in args):
                outputs[i] = out.view_as(out)  # an input returned as is: PyTorch returns a view of it
        ctx._forward_inputs = args
        ctx._record(tuple(graph.edge(a) for a in args if _is_tensor(a)), outputs, ctx.to_save)
        non_differentiable = {id(t) for t in ctx.non_differentiable}
        for i, out in enumerate(outputs):
            if _is_tensor(out) and id(out) not in non_differentiable and out.dtype.is_floating_point:
                out._set_grad_fn(ctx)
                out._output_nr = i
        return tuple(outputs) if is_tuple else outputs[0]


Function.__module__ = "torch.autograd.function"
