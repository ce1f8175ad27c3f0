"""torch.Tensor: strided views over a flat storage, plus the autograd state of one tensor.

Storage is array('f') for float32, array('d') float64, array('q') int64 and a list of bools for bool. A view
(view, t, transpose, permute, indexing, .data, detach) is a new Tensor over the same storage with its own shape,
strides and offset, so in-place ops through any view are seen by all of them, as in PyTorch.
The ops themselves live in _ops/ (each with its forward and backward side by side); Tensor's methods are those
functions, bound at the bottom of this file.
"""

import functools
import math
import warnings
from array import array

from . import _dtype, _tensor_str
from ._device import CPU, check_device
from ._size import Size
from ._unsupported import NO_NUMPY, missing_attribute, unsupported
from .autograd.graph import AccumulateGrad, _add_hook as add_hook


def contiguous_strides(shape):
    """Row-major strides; a size 0 counts as 1, as in ATen (torch.empty(2, 0, 3).stride() == (3, 3, 1))."""
    return _contiguous_strides(tuple(shape))


@functools.lru_cache(maxsize=1024)  # a training loop asks again and again for the strides of its few shapes
def _contiguous_strides(shape):
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def new_storage(dtype, values):
    """A storage of `values` converted to dtype: floats rounded (float32), integers wrapped as C wraps them."""
    if dtype.typecode is None:
        _dtype.check_supported(dtype)  # float16, bfloat16, complex: names only
        return [bool(v) for v in values]
    if dtype.category == 1:
        values = values if isinstance(values, (list, tuple, array)) else list(values)
        try:
            return array(dtype.typecode, values)  # the common case: ints in range
        except (TypeError, OverflowError):
            return array(dtype.typecode, map(dtype.cast, values))
    return array(dtype.typecode, values)  # rounds each Python float to float32 for 'f'


def zero_grads(params, set_to_none=True):
    """Module.zero_grad and Optimizer.zero_grad on each parameter: drop its .grad, or zero it in place."""
    for p in params:
        if p.grad is not None:
            if set_to_none:
                p.grad = None
            else:
                p.grad.requires_grad_(False)
                p.grad.zero_()


def _leaf_only(requires_grad):
    message = "you can only change requires_grad flags of leaf variables."
    if not requires_grad:
        message += (
            " If you want to use a computed variable in a subgraph that doesn't require differentiation use "
            "var_no_grad = var.detach()."
        )
    return message


def _gather(storage, offset, shape, stride):
    """The elements of a strided view of storage, row-major, gathered an innermost row at a time by slices."""
    if not shape:
        return storage[offset : offset + 1]
    last, step = shape[-1], stride[-1]
    values = array(storage.typecode) if isinstance(storage, array) else []
    for start in _row_starts(offset, shape, stride):
        if step == 0:
            values.extend(storage[start : start + 1] * last)
        else:
            values.extend(storage[start : start + step * (last - 1) + 1 : step])
    return values


def _row_starts(offset, shape, stride):
    """Storage index of the first element of each innermost row, in row-major order."""
    starts = [offset]
    for size, step in zip(shape[:-1], stride[:-1]):
        starts = [s + i * step for s in starts for i in range(size)]
    return starts


def _repeat_each(values, times):
    """Each of values repeated `times` times where it stands: [a, b] -> [a, a, a, b, b, b]."""
    out = array(values.typecode) if isinstance(values, array) else []
    for i in range(len(values)):
        out.extend(values[i : i + 1] * times)
    return out


def _storage_address(storage):
    return id(storage) if len(storage) else 0


class UntypedStorage:
    """The bytes under a tensor, reduced to what a learner inspects: where they are and how many."""

    def __init__(self, storage, itemsize):
        self._storage, self._itemsize = storage, itemsize

    def data_ptr(self):
        return _storage_address(self._storage)

    def nbytes(self):
        return len(self._storage) * self._itemsize

    size = nbytes
    __len__ = nbytes

    def __getattr__(self, name):
        return missing_attribute("torch.UntypedStorage", name)


UntypedStorage.__module__ = "torch.storage"


class Tensor:
    # ---- construction ---------------------------------------------------------------------------------------
    def __init__(self, *args):
        # The legacy constructor: torch.Tensor([1, 2]) copies data in the default dtype, torch.Tensor(2, 3) and
        # torch.Tensor(torch.Size([2, 3])) allocate.
        default = _dtype.get_default_dtype()
        if len(args) == 1 and not isinstance(args[0], (int, Size)):
            from ._ops.creation import tensor

            source = tensor(args[0], dtype=default)
        else:
            from ._ops.creation import empty

            source = empty(*(args or (0,)), dtype=default)
        self._setup(source._storage, source._shape, source._stride, source._offset, source.dtype)

    def _setup(self, storage, shape, stride, offset, dtype, version=None):
        self._storage, self._shape, self._stride, self._offset = storage, tuple(shape), tuple(stride), offset
        self.dtype = dtype
        self._version = version if version is not None else [0]  # shared by views; bumped by in-place ops
        self._base = None  # the tensor whose storage this view shares
        self._requires_grad = False
        self.grad_fn = None
        self._grad = None
        self._accumulator = None
        self._retains_grad = False

    @classmethod
    def _make(cls, storage, shape, stride, offset, dtype, version=None):
        t = object.__new__(cls)
        t._setup(storage, shape, stride, offset, dtype, version)
        return t

    @classmethod
    def _from_values(cls, values, shape, dtype):
        """A new contiguous tensor holding `values` (row-major, converted to dtype)."""
        shape = tuple(shape)
        return cls._make(new_storage(dtype, values), shape, contiguous_strides(shape), 0, dtype)

    def _alias(self, shape, stride, offset):
        """A view of this tensor's storage (autograd is recorded by the op that asks for it)."""
        view = Tensor._make(self._storage, shape, stride, offset, self.dtype, self._version)
        view._base = self._base if self._base is not None else self
        return view

    # ---- reading and writing elements -----------------------------------------------------------------------
    def _values(self):
        """The elements in row-major order (a read-only sequence: the storage itself when it is laid out so)."""
        shape, storage = self._shape, self._storage
        n = self.numel()
        if not shape:
            return [storage[self._offset]]
        if n == 0:
            return []
        if self._is_whole_storage():
            return storage
        if self.is_contiguous():
            return storage[self._offset : self._offset + n]
        # Broadcast dims (stride 0) first and last are left out of the gather: the values of the dims between are
        # gathered row by row as C copies (array slices, no Python float per element), then each is repeated for
        # the broadcast dims after them, and the whole for those before.
        stride = self._stride
        first = next((d for d, step in enumerate(stride) if step), len(shape))
        last = next((d for d in range(len(shape) - 1, first - 1, -1) if stride[d]), first - 1) + 1
        inner = _gather(storage, self._offset, shape[first:last], stride[first:last])
        each = math.prod(shape[last:])
        if each > 1:
            inner = _repeat_each(inner, each)
        return inner * math.prod(shape[:first])

    def _positions(self):
        """The storage index of every element, in row-major order."""
        if not self._shape:
            return [self._offset]
        last, step = self._shape[-1], self._stride[-1]
        return [start + i * step for start in _row_starts(self._offset, self._shape, self._stride) for i in range(last)]

    def _is_whole_storage(self):
        """Whether this tensor's elements, in row-major order, are exactly its storage."""
        return (
            self._offset == 0 and len(self._storage) == self.numel() and self._stride == contiguous_strides(self._shape)
        )

    def _write(self, values):
        """Store row-major `values` (already of this shape) into this tensor's elements, in place."""
        storage = self._storage
        if not (isinstance(values, array) and values.typecode == self.dtype.typecode):
            values = new_storage(self.dtype, values)
        if self._is_whole_storage():
            storage[:] = values
            return
        for position, value in zip(self._positions(), values):
            storage[position] = value

    # ---- metadata -------------------------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._shape)

    def size(self, dim=None):
        return Size(self._shape) if dim is None else self._shape[self._dim(dim)]

    def stride(self, dim=None):
        return self._stride if dim is None else self._stride[self._dim(dim)]

    def storage_offset(self):
        return self._offset

    def data_ptr(self):
        """A stand-in address: the storage's id (unique among live storages, as a pointer is) plus this tensor's
        offset in bytes, so that equal data_ptr() tells shared memory as in PyTorch; 0 for an empty storage."""
        return _storage_address(self._storage) + self._offset * self.dtype.itemsize

    def untyped_storage(self):
        return UntypedStorage(self._storage, self.dtype.itemsize)

    def is_set_to(self, tensor):
        return (
            self._storage is tensor._storage
            and self._offset == tensor._offset
            and self._shape == tensor._shape
            and self._stride == tensor._stride
        )

    def dim(self):
        return len(self._shape)

    ndim = property(dim)

    def numel(self):
        n = 1
        for size in self._shape:
            n *= size
        return n

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    def is_contiguous(self, memory_format=None):
        if not self.numel():
            return True
        expected = 1
        for size, stride in reversed(tuple(zip(self._shape, self._stride))):
            if size != 1 and stride != expected:
                return False
            expected *= size
        return True

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def _dim(self, dim):
        """A possibly negative dim checked against this tensor's rank and made non-negative."""
        rank = max(self.dim(), 1)
        if not -rank <= dim < rank:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})"
            )
        return dim % rank

    device = property(lambda self: CPU)
    is_cuda = False
    is_sparse = False
    is_quantized = False
    is_meta = False
    layout = "torch.strided"

    def type(self, dtype=None, non_blocking=False):
        """t.type() names the legacy type (torch.FloatTensor); t.type(torch.int32) or t.type('torch.IntTensor')
        converts."""
        if dtype is None:
            return self.dtype.legacy
        if isinstance(dtype, str):
            if dtype not in _dtype.BY_LEGACY_NAME:
                raise unsupported(f"torch.Tensor.type({dtype!r})")
            dtype = _dtype.BY_LEGACY_NAME[dtype]
        return self.to(dtype)

    def get_device(self):
        return -1

    # ---- autograd state -------------------------------------------------------------------------------------
    _output_nr = 0  # which output of grad_fn this tensor is (non-zero only for a custom Function's later outputs)

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None:
            raise RuntimeError(_leaf_only(flag))
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad=True):
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(_leaf_only(False))
            return self
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def retains_grad(self):
        return self._retains_grad

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
                "Tensor by mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more informations.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None and value.shape != self.shape:
            raise RuntimeError("assigned grad has data of a different size")
        self._grad = value

    def _set_grad_fn(self, node):
        old = self.grad_fn
        if self._retains_grad and old is not None:  # an in-place op: retain_grad follows the tensor's new node
            hook = old._own_dict("_retain_hooks").pop(self._output_nr, None)
            if hook is not None:
                node._own_dict("_retain_hooks")[0] = hook
        self.grad_fn, self._output_nr = node, 0
        self._requires_grad = True

    def _accumulate_grad(self):
        """This leaf's AccumulateGrad node, made once so every edge into the leaf is the same node."""
        if self._accumulator is None:
            self._accumulator = AccumulateGrad(self)
        return self._accumulator

    def _grad_node(self):
        """The node this tensor's gradient arrives at: its grad_fn, or its AccumulateGrad for a leaf."""
        return self.grad_fn if self.grad_fn is not None else self._accumulate_grad()

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def retain_grad(self):
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return

        def keep(grad):
            self._grad = grad.clone() if self._grad is None else self._grad + grad

        self._retains_grad = True
        self.grad_fn._own_dict("_retain_hooks")[self._output_nr] = keep

    def register_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        hooks = self._grad_node()._own_dict("_tensor_hooks").setdefault(self._output_nr, {})
        return add_hook(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        return add_hook(self._accumulate_grad()._post_accumulate_hooks, hook)

    @property
    def data(self):
        """The same storage with no autograd history and its own version counter (unlike detach())."""
        return Tensor._make(self._storage, self._shape, self._stride, self._offset, self.dtype)

    @data.setter
    def data(self, other):
        self._storage, self._shape, self._stride, self._offset = (
            other._storage,
            other._shape,
            other._stride,
            other._offset,
        )
        self.dtype = other.dtype

    def detach(self):
        return Tensor._make(self._storage, self._shape, self._stride, self._offset, self.dtype, self._version)

    def detach_(self):
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
                "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and "
                "hence detach_() cannot be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self.grad_fn, self._output_nr, self._requires_grad = None, 0, False
        return self

    # ---- Python protocol ------------------------------------------------------------------------------------
    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self.dtype.cast(self._values()[0])

    def tolist(self):
        values = [self.dtype.cast(v) for v in self._values()]
        for depth in range(len(self._shape) - 1, 0, -1):  # group the innermost dims first
            size, count = self._shape[depth], Size(self._shape[:depth]).numel()
            values = [values[i * size : (i + 1) * size] for i in range(count)]  # (a size may be 0)
        return values[0] if not self._shape else values

    def __len__(self):
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._shape[0]))

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._values()[0])

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    __hash__ = object.__hash__

    def __repr__(self):
        return _tensor_str.tensor_repr(
            self._values(),
            self._shape,
            self.dtype.name,
            requires_grad=self.requires_grad,
            grad_fn=type(self.grad_fn).__name__ if self.grad_fn is not None else None,
        )

    def __format__(self, spec):
        if self.dim() == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __getattr__(self, name):
        return missing_attribute("torch.Tensor", name)

    # ---- conversions ----------------------------------------------------------------------------------------
    def to(self, *args, **kwargs):
        """to(dtype), to(device), to(device, dtype), to(other): a copy only when something changes."""
        dtype, device = kwargs.get("dtype"), kwargs.get("device")
        for arg in args:
            if isinstance(arg, _dtype.dtype):
                dtype = arg
            elif isinstance(arg, Tensor):
                dtype = arg.dtype
            else:
                device = arg
        check_device(device)
        if dtype is None or dtype is self.dtype:
            return self
        _dtype.check_supported(dtype)
        from ._ops.pointwise import to_dtype

        return to_dtype(self, dtype)

    def cpu(self):
        return self

    def cuda(self, device=None):
        raise unsupported("torch.Tensor.cuda")

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def long(self):
        return self.to(_dtype.int64)

    def bool(self):
        return self.to(_dtype.bool)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def half(self):
        return self.to(_dtype.float16)

    def bfloat16(self):
        return self.to(_dtype.bfloat16)

    def type_as(self, other):
        return self.to(other.dtype)

    def numpy(self):
        raise unsupported("torch.Tensor.numpy", NO_NUMPY)


Tensor.__module__ = "torch"


# Tensor methods are the op functions themselves: `t.add(u)` runs `pointwise.add(t, u)`. Each op declared itself
# in _ops.registry; importing _ops (here, after Tensor exists, because the ops build Tensors) completes the registry.
from ._ops import linalg, pointwise, registry, views  # noqa: E402

for _name, _function in registry.METHODS.items():
    setattr(Tensor, _name, _function)
for _name, _function in registry.IN_PLACE.items():
    setattr(Tensor, _name, pointwise.in_place(_function))

Tensor.T = property(views.t)
Tensor.mT = property(lambda self: views.transpose(self, -2, -1))
Tensor.__matmul__ = linalg.matmul
Tensor.__rmatmul__ = lambda self, other: linalg.matmul(other, self)
Tensor.__neg__ = pointwise.neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = pointwise.abs
Tensor.__invert__ = pointwise.invert
for _op, _name in [
    ("add", "add"),
    ("sub", "sub"),
    ("mul", "mul"),
    ("truediv", "div"),
    ("floordiv", "floor_divide"),
    ("mod", "remainder"),
    ("pow", "pow"),
    ("and", "bitwise_and"),
    ("or", "bitwise_or"),
    ("xor", "bitwise_xor"),
    ("lshift", "bitwise_left_shift"),
    ("rshift", "bitwise_right_shift"),
]:
    setattr(Tensor, f"__{_op}__", registry.METHODS[_name])
    setattr(Tensor, f"__r{_op}__", pointwise.reflected(_op))
    if _name + "_" in registry.IN_PLACE:
        setattr(Tensor, f"__i{_op}__", getattr(Tensor, _name + "_"))
for _op in ("eq", "ne", "lt", "le", "gt", "ge"):
    setattr(Tensor, f"__{_op}__", getattr(pointwise, _op))
