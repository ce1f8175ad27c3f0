"""The autograd graph and its engine.

Every differentiable op records, on its result, a Node holding the op's backward function and one edge
(node, input_nr) per differentiable input, in the order PyTorch's derivatives.yaml lists them; (None, 0) marks an
input that needs no gradient. Leaves that require grad are reached through their AccumulateGrad node.
backward() walks the nodes reachable from the output in reverse creation order (a reverse topological order, and
the order PyTorch's engine runs them in, so gradients from several paths add up in the same order).
"""

import itertools
import re
import types
import warnings

from .._unsupported import missing_attribute
from . import grad_mode

_sequence_nr = itertools.count()
_NO_HOOKS = types.MappingProxyType({})

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
    "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
    "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
    "saved tensors after calling backward."
)


class RemovableHandle:
    """What register_hook returns: .remove() takes the hook out again (torch.utils.hooks.RemovableHandle)."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict):
        self.hooks_dict = hooks_dict
        self.id = next(RemovableHandle._next_id)

    def remove(self):
        self.hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()


RemovableHandle.__module__ = "torch.utils.hooks"


def _add_hook(hooks_dict, hook):
    handle = RemovableHandle(hooks_dict)
    hooks_dict[handle.id] = hook
    return handle


class InputMetadata:
    """What a node knows of one forward output (the gradient it will receive): PyTorch's _InputMetadata.

    As in PyTorch, `shape` is a plain list of ints; the graph visualizer reads it to label nodes.
    """

    __slots__ = ("device", "dtype", "shape")
    is_nested_tensor = is_cpp_nested_tensor = False

    def __init__(self, tensor):
        self.shape, self.dtype, self.device = list(tensor._shape), tensor.dtype, tensor.device


InputMetadata.__module__, InputMetadata.__name__ = "torch._C._autograd", "_InputMetadata"


class Node:
    """A recorded operation. Subclasses exist only to carry PyTorch's class names (AddmmBackward0, ...).

    _input_metadata describes the forward op's output(s), as PyTorch's nodes do (one entry per output); the engine
    hands _apply one gradient for a one-output node, a tuple of them for a node of several outputs.
    """

    # The hooks, each an empty mapping shared by all nodes until the node gets its own (_own_dict(), on the first
    # registration): a node is made for every op, a hook is rare.
    _tensor_hooks = _NO_HOOKS  # output_nr -> {handle id: hook(grad)}: Tensor.register_hook on that output
    _retain_hooks = _NO_HOOKS  # output_nr -> hook: retain_grad, run after the tensor hooks as in PyTorch
    _node_pre_hooks = _NO_HOOKS  # Node.register_prehook: hook(grad_outputs) -> new grad_outputs or None
    _node_post_hooks = _NO_HOOKS  # Node.register_hook: hook(grad_inputs, grad_outputs)

    def __init__(self, next_functions, backward=None, saved=(), outputs=()):
        self.next_functions = next_functions
        self._input_metadata = tuple(InputMetadata(t) for t in outputs)
        self._backward = backward
        # (tensor, its version at save time), checked in backward; None stays None (save_for_backward(None))
        self._saved = tuple((t, t._version[0] if t is not None else 0) for t in saved) if saved else ()
        self._saved_output_nrs = _output_nrs(saved, outputs) if saved else ()
        self._sequence_nr = next(_sequence_nr)

    def _own_dict(self, kind):
        """This node's own dict `kind` ("_tensor_hooks", ..., "_metadata"), made on first use."""
        own = self.__dict__.get(kind)
        if own is None:
            own = self.__dict__[kind] = {}
        return own

    @property
    def metadata(self):
        return self._own_dict("_metadata")

    def name(self):
        return type(self).__name__

    def register_prehook(self, hook):
        return _add_hook(self._own_dict("_node_pre_hooks"), hook)

    def register_hook(self, hook):
        return _add_hook(self._own_dict("_node_post_hooks"), hook)

    def _num_outputs(self):
        return max(len(self._input_metadata), 1)

    def _check_saved(self):
        if self._backward is None:
            raise RuntimeError(_FREED)
        for i, (tensor, version) in enumerate(self._saved):
            if tensor is not None and tensor._version[0] != version:
                raise RuntimeError(_modified_message(self, i, tensor, version))

    def _apply(self, grad):
        self._check_saved()
        return self._backward(grad)

    def _release(self):
        """Free what backward saved, as PyTorch does unless retain_graph=True; nodes that saved nothing stay usable."""
        if self._saved:
            self._backward, self._saved = None, ()

    def __getattr__(self, name):
        return missing_attribute(f"torch.autograd.graph.Node ({type(self).__name__})", name)


Node.__module__ = "torch.autograd.graph"


def _output_nrs(saved, outputs):
    """For each saved tensor, which output of the node it is (None for an input): PyTorch's SavedVariable names
    a saved output's own node when it reports an in-place change, and an input's grad_fn of the moment."""
    return tuple(next((nr for nr, o in enumerate(outputs) if o is t), None) for t in saved)


def _modified_message(node, i, tensor, version):
    """SavedVariable::unpack's error, with its ", which is output N of Name," (the node's class name without
    its Backward suffix) where the tensor is not a leaf."""
    nrs = getattr(node, "_saved_output_nrs", ())
    nr = nrs[i] if i < len(nrs) else None
    source, output_nr = (node, nr) if nr is not None else (tensor.grad_fn, tensor._output_nr)
    which = ""
    if source is not None:
        which = f", which is output {output_nr} of {re.sub(r'Backward[0-9]*$', '', source.name())},"
    return (
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{tensor.type()} {list(tensor.shape)}]{which} is at version {tensor._version[0]}; expected version "
        f"{version} instead. Hint: enable anomaly detection to find the operation that failed to compute its "
        "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


class AccumulateGrad(Node):
    """The sink of a leaf tensor's gradient: adds it into `variable.grad`."""

    def __init__(self, variable):
        super().__init__((), outputs=(variable,))
        self.variable = variable
        self._post_accumulate_hooks = {}

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def _apply(self, grad):
        accumulate_into(self.variable, grad)
        for hook in tuple(self._post_accumulate_hooks.values()):
            hook(self.variable)
        return ()


AccumulateGrad.__module__ = "builtins"  # PyTorch's C++ node classes print bare: <class 'AccumulateGrad'>


def accumulate_into(variable, grad):
    """variable.grad += grad as torch/csrc/autograd/functions/accumulate_grad.h does it: a copy for the first
    gradient (recorded as CopyBackwards when the backward pass builds a graph), an in-place add without a graph, an
    out-of-place add with one."""
    old = variable._grad
    if old is None:
        copy = grad.detach().clone()
        variable._grad = record(_COPY_BACKWARDS, copy, (None, grad), lambda g: (None, g))
    elif grad_mode.is_grad_enabled():
        variable._grad = old + grad
    else:
        old.add_(grad)


_node_classes = {}
_COPY_BACKWARDS = "CopyBackwards"  # a C++ node of PyTorch's whose name() is "torch::autograd::CopyBackwards"


def node_class(name):
    """The Node subclass called `name`, made once: type(grad_fn) prints <class 'AddmmBackward0'> as in PyTorch."""
    cls = _node_classes.get(name)
    if cls is None:
        attributes = {"__module__": "builtins"}
        if name == _COPY_BACKWARDS:
            attributes["name"] = lambda self: "torch::autograd::CopyBackwards"
        cls = _node_classes[name] = type(name, (Node,), attributes)
    return cls


def _requires_grad(value):
    return getattr(value, "requires_grad", False)


def needs_grad(*inputs):
    """Whether an op on these inputs gets recorded."""
    return grad_mode.is_grad_enabled() and any(_requires_grad(t) for t in inputs)


def edge(value):
    """The (node, input_nr) a gradient for `value` flows into, or (None, 0) where none is needed."""
    if not _requires_grad(value):
        return (None, 0)
    if value.grad_fn is not None:
        return (value.grad_fn, value._output_nr)
    return (value._accumulate_grad(), 0)


def record(name, result, inputs, backward, saved=()):
    """Make `result` the output of a node named `name` with one edge per entry of `inputs`, if any needs grad.

    backward(grad) returns one gradient (or None) per entry of `inputs`. `saved` lists the tensors backward reads,
    so an in-place change to them before backward is reported instead of giving a wrong gradient.
    """
    if grad_mode._grad_enabled:  # needs_grad(*inputs), inline: this runs for every op
        for t in inputs:
            if getattr(t, "_requires_grad", False):
                node = node_class(name)(tuple(edge(t) for t in inputs), backward, saved, outputs=(result,))
                result._set_grad_fn(node)
                break
    return result


# ---- the engine -------------------------------------------------------------------------------------------------
def _reachable(roots):
    seen, stack = set(roots), list(roots)
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return sorted(seen, key=lambda node: node._sequence_nr, reverse=True)


def _needed(order, targets):
    """The nodes of `order` (children after parents) that lead to a target node: only those run."""
    needed = set(targets)
    for node in reversed(order):
        if any(child in needed for child, _ in node.next_functions):
            needed.add(node)
    return needed


_warned_create_graph = False


def run_engine(root_edges, root_grads, *, retain_graph=False, create_graph=False, targets=None, accumulate=True):
    """Propagate root_grads back from the (node, input_nr) root_edges, as torch/csrc/autograd/engine.cpp does.

    accumulate=True (backward): AccumulateGrad nodes add into the leaves' .grad; with `targets` (a list of edges,
    backward(inputs=...)) only the nodes leading to them run. accumulate=False (autograd.grad): the gradient
    arriving at each target edge is captured and returned, and no .grad is touched.
    With create_graph the backward functions run with grad mode on, so they record the graph of the gradient.
    """
    global _warned_create_graph
    if create_graph and accumulate and not _warned_create_graph:
        _warned_create_graph = True  # TORCH_WARN_ONCE in engine.cpp
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the parameter and its "
            "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to "
            "avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters "
            "to None after use to break the cycle and avoid the leak. (Triggered internally at "
            "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)",
            UserWarning,
            stacklevel=4,
        )
    pending = {}
    for (node, nr), grad in zip(root_edges, root_grads):
        if node is not None and grad is not None:
            _add_to(pending, node, nr, grad)
    order = _reachable([node for node, _ in root_edges if node is not None])
    captures = {}
    if targets is not None:
        targets = set(targets)
        target_nodes = {node for node, _ in targets}
        needed = _needed(order, target_nodes)
        order = [node for node in order if node in needed]
    with grad_mode.set_grad_enabled(create_graph):
        for node in order:
            buffer = pending.pop(node, None)
            if buffer is None:
                continue
            for nr, hooks in node._tensor_hooks.items():
                for hook in tuple(hooks.values()):
                    if buffer[nr] is not None:
                        replaced = hook(buffer[nr])
                        if replaced is not None:
                            buffer[nr] = replaced
            for nr, hook in node._retain_hooks.items():
                if buffer[nr] is not None:
                    hook(buffer[nr])
            if targets is not None and not accumulate:
                for nr, grad in enumerate(buffer):
                    if (node, nr) in targets:
                        captures[(node, nr)] = grad
                if not any(child in needed for child, _ in node.next_functions):
                    continue  # captured only: its own backward is not needed
            for hook in tuple(node._node_pre_hooks.values()):
                replaced = hook(tuple(buffer))
                if replaced is not None:
                    buffer = list(replaced)
            grads = node._apply(buffer[0] if len(buffer) == 1 else tuple(buffer))
            for hook in tuple(node._node_post_hooks.values()):
                hook(tuple(grads), tuple(buffer))
            for (child, nr), child_grad in zip(node.next_functions, grads):
                if child is not None and child_grad is not None and (targets is None or child in needed):
                    _add_to(pending, child, nr, child_grad)
            if not retain_graph:
                node._release()
    return captures


def _add_to(pending, node, nr, grad):
    buffer = pending.get(node)
    if buffer is None:
        buffer = pending[node] = [None] * node._num_outputs()
    buffer[nr] = grad if buffer[nr] is None else buffer[nr] + grad


def run_backward(tensor, grad, retain_graph=False):
    """Propagate `grad` (d output / d tensor) from `tensor` back to the leaves' .grad."""
    run_engine([edge(tensor)], [grad], retain_graph=retain_graph)
