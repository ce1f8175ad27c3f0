from .. import _tensor_str
from .._dtype import float32
from .._tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module registers as a parameter. It shares the storage of the tensor it wraps."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = Tensor._from_values((), (0,), float32)
        if requires_grad and not data.dtype.is_floating_point:  # Tensor._make_subclass's message (capitalised)
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        param = cls._make(data._storage, data._shape, data._stride, data._offset, data.dtype, data._version)
        param.requires_grad = requires_grad
        return param

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return _tensor_str.tensor_repr(
            self._values(), self._shape, self.dtype.name, requires_grad=self.requires_grad, is_parameter=True
        )


Parameter.__module__ = "torch.nn.parameter"
