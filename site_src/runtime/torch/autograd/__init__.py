"""torch.autograd: the graph (graph.py), grad modes (grad_mode.py) and backward()."""

from . import graph
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .._unsupported import missing_attribute


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    if not isinstance(tensors, (tuple, list)):
        tensors, grad_tensors = (tensors,), (grad_tensors,)
    for tensor, grad in zip(tensors, grad_tensors or (None,) * len(tensors)):
        tensor.backward(grad, retain_graph=retain_graph, create_graph=create_graph)


def __getattr__(name):
    return missing_attribute("torch.autograd", name)
