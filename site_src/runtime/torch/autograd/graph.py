"""The autograd graph and its engine.

Every differentiable op records, on its result, a Node holding the op's backward function and one edge
(node, input_nr) per differentiable input, in the order PyTorch's derivatives.yaml lists them; (None, 0) marks an
input that needs no gradient. Leaves that require grad are reached through their AccumulateGrad node.
backward() walks the nodes reachable from the output in reverse creation order (a reverse topological order, and
the order PyTorch's engine runs them in, so gradients from several paths add up in the same order).
"""

import itertools

from .grad_mode import is_grad_enabled, no_grad
from .._unsupported import missing_attribute

_sequence_nr = itertools.count()

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
    "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
    "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
    "saved tensors after calling backward."
)


class InputMetadata:
    """What a node knows of one forward output (the gradient it will receive): PyTorch's _InputMetadata.

    As in PyTorch, `shape` is a plain list of ints; the graph visualizer reads it to label nodes.
    """

    __slots__ = ("shape", "dtype", "device")
    is_nested_tensor = is_cpp_nested_tensor = False

    def __init__(self, tensor):
        self.shape, self.dtype, self.device = list(tensor._shape), tensor.dtype, tensor.device


InputMetadata.__module__, InputMetadata.__name__ = "torch._C._autograd", "_InputMetadata"


class Node:
    """A recorded operation. Subclasses exist only to carry PyTorch's class names (AddmmBackward0, ...).

    _input_metadata describes the forward op's output(s), as PyTorch's nodes do (one entry per output).
    """

    def __init__(self, next_functions, backward=None, saved=(), outputs=()):
        self.next_functions = next_functions
        self._input_metadata = tuple(InputMetadata(t) for t in outputs)
        self._backward = backward
        self._saved = tuple((t, t._version[0]) for t in saved)  # version at save time, checked in backward
        self._sequence_nr = next(_sequence_nr)
        self._pre_hooks = []  # tensor hooks: called with the incoming gradient before the node runs
        self.metadata = {}

    def name(self):
        return type(self).__name__

    def register_prehook(self, hook):
        self._pre_hooks.append(hook)

    def _apply(self, grad):
        if self._backward is None:
            raise RuntimeError(_FREED)
        for tensor, version in self._saved:
            if tensor._version[0] != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an inplace "
                    f"operation: [{tensor.type()} {list(tensor.shape)}] is at version {tensor._version[0]}; "
                    f"expected version {version} instead.")
        return self._backward(grad)

    def _release(self):
        """Free what backward saved, as PyTorch does unless retain_graph=True; nodes that saved nothing stay usable."""
        if self._saved:
            self._backward, self._saved = None, ()

    def __getattr__(self, name):
        return missing_attribute(f"torch.autograd.graph.Node ({type(self).__name__})", name)


Node.__module__ = "torch.autograd.graph"


class AccumulateGrad(Node):
    """The sink of a leaf tensor's gradient: adds it into `variable.grad`."""

    def __init__(self, variable):
        super().__init__((), outputs=(variable,))
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def _apply(self, grad):
        variable = self.variable
        if variable.grad is None:
            variable.grad = grad.detach().clone()
        else:
            variable.grad.add_(grad)
        return ()


AccumulateGrad.__module__ = "builtins"  # PyTorch's C++ node classes print bare: <class 'AccumulateGrad'>

_node_classes = {}


def node_class(name):
    """The Node subclass called `name`, made once: type(grad_fn) prints <class 'AddmmBackward0'> as in PyTorch."""
    cls = _node_classes.get(name)
    if cls is None:
        cls = _node_classes[name] = type(name, (Node,), {"__module__": "builtins"})
    return cls


def _requires_grad(value):
    return getattr(value, "requires_grad", False)


def needs_grad(*inputs):
    """Whether an op on these inputs gets recorded."""
    return is_grad_enabled() and any(_requires_grad(t) for t in inputs)


def edge(value):
    """The (node, input_nr) a gradient for `value` flows into, or (None, 0) where none is needed."""
    if not _requires_grad(value):
        return (None, 0)
    return (value.grad_fn or value._accumulate_grad(), 0)


def record(name, result, inputs, backward, saved=()):
    """Make `result` the output of a node named `name` with one edge per entry of `inputs`, if any needs grad.

    backward(grad) returns one gradient (or None) per entry of `inputs`. `saved` lists the tensors backward reads,
    so an in-place change to them before backward is reported instead of giving a wrong gradient.
    """
    if needs_grad(*inputs):
        node = node_class(name)(tuple(edge(t) for t in inputs), backward, saved, outputs=(result,))
        result._set_grad_fn(node)
    return result


def _reachable(root):
    seen, stack = {root}, [root]
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return sorted(seen, key=lambda node: node._sequence_nr, reverse=True)


def run_backward(tensor, grad, retain_graph=False):
    """Propagate `grad` (d output / d tensor) from `tensor` back to the leaves' .grad."""
    root = tensor.grad_fn or tensor._accumulate_grad()
    pending = {root: grad}
    with no_grad():
        for node in _reachable(root):
            grad = pending.pop(node, None)
            if grad is None:
                continue
            for hook in node._pre_hooks:
                replaced = hook(grad)
                if replaced is not None:
                    grad = replaced
            grads = node._apply(grad)
            for (child, _), child_grad in zip(node.next_functions, grads):
                if child is not None and child_grad is not None:
                    pending[child] = child_grad if child not in pending else pending[child] + child_grad
            if not retain_graph:
                node._release()
