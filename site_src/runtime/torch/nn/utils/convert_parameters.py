"""torch.nn.utils.parameters_to_vector / vector_to_parameters, as torch/nn/utils/convert_parameters.py."""

from ..._ops.shape import cat
from ..._tensor import Tensor


def parameters_to_vector(parameters):
    """The parameters flattened and joined into one vector (recorded: gradients flow back to them)."""
    return cat([param.view(-1) for param in parameters])


def vector_to_parameters(vec, parameters):
    """Each parameter's .data set to the next slice of vec (viewed as the parameter)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    pointer = 0
    for param in parameters:
        num_param = param.numel()
        param.data = vec[pointer : pointer + num_param].view_as(param).data
        pointer += num_param


def _typename(obj):
    """torch.typename of a non-tensor."""
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module, qualname = obj.__class__.__module__ or "", obj.__class__.__qualname__
    return qualname if module in {"", "builtins"} else f"{module}.{qualname}"
