"""torch.autograd: the graph and its engine (graph.py), grad modes (grad_mode.py), custom Functions (function.py),
backward() and grad() with torch/autograd/__init__.py's checks and messages."""

from .._unsupported import missing_attribute, unsupported
from . import functional, graph
from .function import Function
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

__all__ = [
    "Function",
    "backward",
    "enable_grad",
    "functional",
    "grad",
    "graph",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "set_grad_enabled",
]


def _as_tuple(values):
    from .._tensor import Tensor

    return (values,) if isinstance(values, Tensor) else tuple(values)


def _make_grads(outputs, grads):
    """The gradient of each output: the given one (shape-checked), or ones for a scalar output (_make_grads)."""
    from .._ops.creation import ones_like
    from .._tensor import Tensor

    new_grads = []
    for i, (out, grad) in enumerate(zip(outputs, grads)):
        if isinstance(grad, Tensor):
            if grad.shape != out.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {grad.shape} and output[{i}] "
                    f"has a shape of {out.shape}."
                )
            new_grads.append(grad)
        elif grad is None:
            if out.requires_grad:
                if out.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not out.dtype.is_floating_point:
                    raise RuntimeError(
                        f"grad can be implicitly created only for real scalar outputs but got {out.dtype}"
                    )
                new_grads.append(ones_like(out))
            else:
                new_grads.append(None)
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(grad).__name__}")
    return new_grads


def _root_edges(outputs):
    edges = []
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        edges.append(graph.edge(out))
    return edges


def _input_edges(inputs):
    """The edge each input's gradient arrives on; None for a leaf never used in a graph (unreachable)."""
    edges = []
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        if t.grad_fn is not None:
            edges.append((t.grad_fn, t._output_nr))
        else:
            edges.append((t._accumulator, 0) if t._accumulator is not None else None)
    return edges


def _inputs_tuple(inputs, api):
    if isinstance(inputs, dict):
        return tuple(inputs.values())
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError(f"`inputs` argument to `{api}()` cannot be empty.")
    return inputs


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    if grad_variables is not None:
        raise unsupported("torch.autograd.backward(grad_variables=...)")
    inputs = _inputs_tuple(inputs, "backward") if inputs is not None else None
    tensors = _as_tuple(tensors)
    grad_tensors = (None,) * len(tensors) if grad_tensors is None else _as_tuple(grad_tensors)
    grads = _make_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _root_edges(tensors)
    targets = None
    if inputs is not None:
        for t in inputs:  # PyTorch's engine makes a non-leaf input keep its .grad
            if t.requires_grad and t.grad_fn is not None:
                t.retain_grad()
        targets = [e for e in _input_edges(inputs) if e is not None]
    graph.run_engine(
        roots, grads, retain_graph=retain_graph, create_graph=create_graph, targets=targets, accumulate=True
    )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False."
        )
    if is_grads_batched:
        raise unsupported("torch.autograd.grad(is_grads_batched=True)")
    if allow_unused is None:
        allow_unused = materialize_grads
    names = tuple(inputs) if isinstance(inputs, dict) else None
    outputs = _as_tuple(outputs)
    inputs_tuple = _inputs_tuple(inputs, "grad")
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else _as_tuple(grad_outputs)
    grads = _make_grads(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _root_edges(outputs)
    edges = _input_edges(inputs_tuple)
    captures = graph.run_engine(
        roots,
        grads,
        retain_graph=retain_graph,
        create_graph=create_graph,
        targets=[e for e in edges if e is not None],
        accumulate=False,
    )
    result = []
    for i, e in enumerate(edges):
        captured = captures.get(e) if e is not None else None
        if captured is None and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                "Set allow_unused=True if this is the desired behavior."
            )
        result.append(captured)
    if materialize_grads:
        from .._ops.creation import zeros_like

        result = [
            r if r is not None else zeros_like(inp, requires_grad=create_graph) for r, inp in zip(result, inputs_tuple)
        ]
    return dict(zip(names, result)) if names is not None else tuple(result)


def __getattr__(name):
    return missing_attribute("torch.autograd", name)
