"""Tensor factories and random fills. Random values come from _random, which reproduces PyTorch's CPU generator
bit for bit, so seeded programs print the same numbers as PyTorch."""

import math

from .. import _dtype, _random
from .._device import check_device
from .._tensor import Tensor
from .._unsupported import unsupported
from . import pointwise
from .registry import function, method

_DTYPE_NAMES = {_dtype.float32: "float32", _dtype.float64: "float64"}


def _sizes(size):
    if len(size) == 1 and not isinstance(size[0], int):
        size = size[0]
    return tuple(int(s) for s in size)


def _finish(t, requires_grad=False, device=None):
    check_device(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


# ---- from data --------------------------------------------------------------------------------------------------
def _flatten_data(data):
    """(flat values, shape) of nested sequences of numbers or tensors."""
    if isinstance(data, Tensor):
        return list(data._values()), data._shape
    if isinstance(data, (list, tuple)):
        if not data:
            return [], (0,)
        parts = [_flatten_data(item) for item in data]
        inner = parts[0][1]
        if any(shape != inner for _, shape in parts):
            raise ValueError(f"expected sequence of length {inner[0] if inner else 0} at dim {1} "
                             f"(got {parts[-1][1][0] if parts[-1][1] else 0})")
        return [v for values, _ in parts for v in values], (len(data),) + inner
    if isinstance(data, (bool, int, float)):
        return [data], ()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _infer_dtype(data, values):
    if isinstance(data, Tensor):
        return data.dtype
    if any(isinstance(v, float) for v in values):
        return _dtype.float32
    if values and all(isinstance(v, bool) for v in values):
        return _dtype.bool
    return _dtype.int64 if values else _dtype.float32


@function(aliases=("as_tensor",))
def tensor(data, *, dtype=None, device=None, requires_grad=False):
    values, shape = _flatten_data(data)
    dtype = dtype or _infer_dtype(data, values)
    return _finish(Tensor._from_values([dtype.cast(v) for v in values], shape, dtype), requires_grad, device)



# ---- filled ---------------------------------------------------------------------------------------------------------
@function
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    size = _sizes((size,))
    dtype = dtype or _dtype.scalar_dtype(fill_value)
    return _finish(Tensor._from_values([dtype.cast(fill_value)] * math.prod(size), size, dtype), requires_grad,
                   device)


@function(aliases=("empty",))  # empty: uninitialised memory in PyTorch; zeros are one valid content
def zeros(*size, dtype=None, device=None, requires_grad=False):
    return full(_sizes(size), 0.0, dtype=dtype or _dtype.float32, device=device, requires_grad=requires_grad)


@function
def ones(*size, dtype=None, device=None, requires_grad=False):
    return full(_sizes(size), 1.0, dtype=dtype or _dtype.float32, device=device, requires_grad=requires_grad)



@function
def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    dtype = dtype or _dtype.result_type(start, end, step)
    count = max(0, math.ceil((end - start) / step))
    return _finish(Tensor._from_values([dtype.cast(start + i * step) for i in range(count)], (count,), dtype),
                   requires_grad, device)


@function
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """ATen's linspace: the first half steps up from start, the second half steps down from end."""
    dtype = dtype or _dtype.float32
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    values = [start + i * step if i < half else end - (steps - i - 1) * step for i in range(steps)]
    return _finish(Tensor._from_values(values, (steps,), dtype), requires_grad, device)


def _like(factory):
    def like(input, *, dtype=None, device=None, requires_grad=False, **kwargs):
        return factory(input._shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad,
                       **kwargs)

    like.__name__ = factory.__name__ + "_like"
    return like


@function
def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):
    return full(input._shape, fill_value, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


@method
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def _new(factory):
    def new(self, *size, dtype=None, device=None, requires_grad=False):
        return factory(_sizes(size), dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    new.__name__ = "new_" + factory.__name__
    return new


@method
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


# ---- random -------------------------------------------------------------------------------------------------------
def _generator(generator):
    return generator if generator is not None else _random.default_generator


def _float_name(dtype):
    if dtype not in _DTYPE_NAMES:
        raise RuntimeError(f"expected a floating point dtype, got {dtype}")
    return _DTYPE_NAMES[dtype]


@function
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    size, dtype = _sizes(size), dtype or _dtype.float32
    values = _random.uniform(_generator(generator), math.prod(size), 0.0, 1.0, _float_name(dtype))
    return _finish(Tensor._from_values(values, size, dtype), requires_grad, device)


@function
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    size, dtype = _sizes(size), dtype or _dtype.float32
    values = _random.normal(_generator(generator), math.prod(size), 0.0, 1.0, _float_name(dtype))
    return _finish(Tensor._from_values(values, size, dtype), requires_grad, device)


@function
def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    size, dtype = _sizes((size,)), dtype or _dtype.int64
    values = _random.randint(_generator(generator), math.prod(size), low, high)
    return _finish(Tensor._from_values(values, size, dtype), requires_grad, device)


@function
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    dtype = dtype or _dtype.int64
    return _finish(Tensor._from_values(_random.randperm(_generator(generator), n), (n,), dtype), requires_grad,
                   device)


zeros_like = function(_like(zeros), aliases=("empty_like",))
ones_like, rand_like, randn_like = (function(_like(f)) for f in (ones, rand, randn))
new_zeros = method(_new(zeros), aliases=("new_empty",))
new_ones = method(_new(ones))


@function
def randint_like(input, low, high=None, *, dtype=None, generator=None):
    return randint(low, high, input._shape, dtype=dtype or input.dtype, generator=generator)


def _fill_random(self, values):
    """Write random values into self in memory order, the order PyTorch's kernels fill a strided tensor in."""
    if pointwise._check_in_place(self):
        raise unsupported("random in-place fills of a tensor that requires grad")
    if self.is_contiguous():
        self._write(values)  # memory order is row-major order: one bulk store (LeNet's init fills 61,706)
    else:
        for position, value in zip(sorted(self._positions()), values):
            self._storage[position] = self.dtype.cast(value)
    self._version[0] += 1
    return self


@method
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    values = _random.normal(_generator(generator), self.numel(), mean, std, _float_name(self.dtype),
                            contiguous=self.is_contiguous())
    return _fill_random(self, values)


@method
def uniform_(self, a=0.0, b=1.0, *, generator=None):
    return _fill_random(self, _random.uniform(_generator(generator), self.numel(), a, b, _float_name(self.dtype)))


@method
def random_(self, low=0, high=None, *, generator=None):
    if high is None:
        raise unsupported("torch.Tensor.random_ without an upper bound")
    return _fill_random(self, _random.randint(_generator(generator), self.numel(), low, high))


@method
def bernoulli_(self, p=0.5, *, generator=None):
    return _fill_random(self, _random.bernoulli(_generator(generator), self.numel(), p))


@function
def normal(mean, std, size, *, generator=None, dtype=None, device=None, requires_grad=False):
    if not isinstance(size, (tuple, list)):
        raise unsupported("torch.normal with tensor mean or std")
    out = zeros(size, dtype=dtype, device=device)
    return _finish(normal_(out, mean, std, generator=generator), requires_grad)
