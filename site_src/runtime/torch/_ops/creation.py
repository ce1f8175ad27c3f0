"""Tensor factories, random fills and torch-level utilities. Random values come from _random, which reproduces
PyTorch's CPU generator bit for bit, so seeded programs print the same numbers as PyTorch. Range factories
(arange, linspace, logspace) follow ATen's kernels step by step (RangeFactories.cpp, cpu/RangeFactoriesKernel.cpp)."""

import builtins
import math
import warnings
from array import array

from .. import _dtype, _random
from .._device import CPU, check_device
from .._kernels.reference import fma32
from .._random import _fma, _to_f32
from .._tensor import Tensor
from .._unsupported import unsupported
from . import pointwise
from .registry import function, method

_SEQUENCES = (list, tuple, range)


def _sizes(size, name=None):
    """The shape of zeros(2, 3), zeros((2, 3)), zeros([2, 3]) or zeros(torch.Size([2, 3]))."""
    if len(size) == 1 and not isinstance(size[0], int):
        size = size[0]
    size = tuple(int(s) for s in size)
    if any(s < 0 for s in size):
        if name == "zeros":
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        bad = next(s for s in size if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {list(size)}")
    return size


def _finish(t, requires_grad=False, device=None):
    check_device(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _filled(size, value, dtype):
    """A new contiguous tensor of `size` holding `value` (already of dtype) everywhere."""
    n = math.prod(size)
    _dtype.check_supported(dtype)
    if dtype.typecode is not None:
        values = array(dtype.typecode, (value,)) * n  # one C-level repeat: LeNet's init makes 61,706 zeros
    else:
        values = [value] * n
    return Tensor._make(values, size, pointwise.views.contiguous_strides(size), 0, dtype)


# ---- from data --------------------------------------------------------------------------------------------------
def _data_shape(data):
    """torch.tensor's compute_sizes: the shape read down the first elements of nested sequences."""
    shape = []
    while isinstance(data, _SEQUENCES):
        shape.append(len(data))
        if not data:
            break
        data = data[0]
    return tuple(shape)


def _leaves(data, shape, dim, out):
    """The scalars of nested sequences in row-major order, checked against `shape` as torch.tensor checks them."""
    if dim == len(shape):
        if isinstance(data, _SEQUENCES):
            raise TypeError(f"'{type(data).__name__}' object cannot be interpreted as an integer")
        out.append(data)
        return
    if not isinstance(data, _SEQUENCES):
        raise TypeError("not a sequence")
    if len(data) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
    for item in data:
        _leaves(item, shape, dim + 1, out)


def _leaf_dtype(value):
    if isinstance(value, Tensor):
        return value.dtype
    if isinstance(value, (builtins.bool, int, float)):
        return _dtype.scalar_dtype(value)
    if isinstance(value, complex):
        raise unsupported("complex tensors (torch.tensor of a complex number)")
    if isinstance(value, str):
        raise TypeError(f"new(): invalid data type '{type(value).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(value).__name__}")


def _leaf_value(value):
    if isinstance(value, Tensor):
        if value.numel() != 1:
            if value.dtype.is_floating_point:
                raise ValueError("only one element tensors can be converted to Python scalars")
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return value._values()[0]
    return value


def _convert(value, dtype):
    """One element of torch.tensor(data, dtype=dtype): ints are range-checked, floats of floating dtypes are not."""
    if dtype.category == 1:
        if type(value) is int and not -(1 << 63) <= value < 1 << 63:
            raise ValueError("Overflow when unpacking long long")
        return _dtype.checked(value, dtype)
    if dtype.category == 2:
        return float(value)  # a Python int goes through a C double first, as in PyTorch
    if value is None or isinstance(value, str):
        raise TypeError(f"must be real number, not {type(value).__name__}")
    return builtins.bool(value)


@function
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        out = _copy_as(data, dtype or data.dtype)
        return _finish(out, requires_grad, device)
    shape = _data_shape(data)
    leaves = []
    _leaves(data, shape, 0, leaves)
    kinds = set(map(type, leaves))
    numbers = kinds <= _NUMBERS
    if dtype is None:
        dtype = _dtype.get_default_dtype()
        if leaves:  # the promotion of every element's own dtype (a Python number's type decides its dtype)
            dtypes = [_leaf_dtype(kind()) for kind in kinds] if numbers else [_leaf_dtype(v) for v in leaves]
            dtype = dtypes[0]
            for other in dtypes[1:]:
                dtype = _dtype.promote_types(dtype, other)
    elif complex in kinds:
        _leaf_dtype(1j)
    _dtype.check_supported(dtype)
    if numbers and (
        dtype.category == 2
        or (
            dtype.category == 1
            and float not in kinds
            and (not leaves or dtype.min <= min(leaves) and max(leaves) <= dtype.max)
        )
    ):
        values = leaves  # the common case, converted by the storage itself: floats, or integers in range
    else:
        values = [_convert(_leaf_value(v), dtype) for v in leaves]
    return _finish(Tensor._from_values(values, shape, dtype), requires_grad, device)


_NUMBERS = {builtins.bool, int, float}


def _copy_as(t, dtype):
    """A detached copy of t in dtype (a plain copy when the dtype is the same)."""
    _dtype.check_supported(dtype)
    values = t._values()
    if dtype is not t.dtype:
        values = [dtype.cast(v) for v in values]
    return Tensor._from_values(values, t._shape, dtype)


@function
def as_tensor(data, dtype=None, device=None):
    """The same tensor when nothing needs converting, else a new one (no copy warning)."""
    if isinstance(data, Tensor):
        check_device(device)
        if dtype is None or dtype is data.dtype:
            return data
        return data.to(dtype)
    return tensor(data, dtype=dtype, device=device)


# ---- filled ---------------------------------------------------------------------------------------------------------
@function
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None):
    if out is not None:
        raise unsupported("torch.full(out=...)")
    size = _sizes((size,))
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dtype = _dtype.check_supported(dtype or _dtype.scalar_dtype(fill_value))
    return _finish(_filled(size, _dtype.checked(fill_value, dtype, dtype.ctype), dtype), requires_grad, device)


@function
def zeros(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    if out is not None:
        raise unsupported("torch.zeros(out=...)")
    dtype = _dtype.check_supported(dtype or _dtype.get_default_dtype())
    return _finish(_filled(_sizes(size, "zeros"), dtype.cast(0), dtype), requires_grad, device)


@function
def empty(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None, memory_format=None):
    """Uninitialised memory in PyTorch; zeros are one valid content."""
    if out is not None:
        raise unsupported("torch.empty(out=...)")
    dtype = _dtype.check_supported(dtype or _dtype.get_default_dtype())
    return _finish(_filled(_sizes(size), dtype.cast(0), dtype), requires_grad, device)


@function
def ones(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    if out is not None:
        raise unsupported("torch.ones(out=...)")
    dtype = _dtype.check_supported(dtype or _dtype.get_default_dtype())
    return _finish(_filled(_sizes(size), dtype.cast(1), dtype), requires_grad, device)


@function
def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    m = n if m is None else m
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dtype = _dtype.check_supported(dtype or _dtype.get_default_dtype())
    out = _filled((n, m), dtype.cast(0), dtype)
    for i in range(builtins.min(n, m)):
        out._storage[i * m + i] = dtype.cast(1)
    return _finish(out, requires_grad, device)


# ---- ranges -------------------------------------------------------------------------------------------------------
def _number(value):
    return value.item() if isinstance(value, Tensor) else value


# Elements per vector in arange's vectorized loop, which computes one base per vector and steps from it: the
# 256-bit (AVX2) width, which the wheel runs on AVX512 machines too (measured).
_ARANGE_LANES = {"float32": 8, "float64": 4}


@function
def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None):
    """ATen's arange (RangeFactories.cpp arange_out, cpu/RangeFactoriesKernel.cpp arange_kernel)."""
    if out is not None:
        raise unsupported("torch.arange(out=...)")
    start, end, step = (_number(v) for v in (start, end, step))
    if end is None:
        start, end = 0, start
    if dtype is None:
        floating = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if floating else _dtype.int64
    _dtype.check_supported(dtype)
    if dtype is _dtype.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    # the bounds are checked on the arguments as doubles (arange_check_bounds) ...
    if float(step) == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(float(start)) and math.isfinite(float(end))):
        raise RuntimeError(f"unsupported range: {_c_number(start)} -> {_c_number(end)}")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype.category == 1:  # ... and computed in the accumulate type: int64 for integer dtypes
        xstart, xend, xstep = (_dtype.checked(v, _dtype.int64, "int64_t") for v in (start, end, step))
    else:  # ... and double for floating ones
        xstart, xend, xstep = float(start), float(end), float(step)
    if dtype is _dtype.int64:
        if xstep == 0:  # a fractional step truncated to 0
            raise ValueError("step must be nonzero")
        sign = (xstep > 0) - (xstep < 0)
        count = _c_div(xend - xstart + xstep - sign, xstep)
    else:
        count = math.ceil((float(end) - float(start)) / float(step))
    if dtype.category == 1:
        values = [xstart + xstep * i for i in range(count)]
    else:
        values = _arange_floats(xstart, xstep, count, dtype)
    return _finish(Tensor._from_values(values, (count,), dtype), requires_grad, device)


def _c_div(a, b):
    """C's integer division, which truncates toward zero."""
    q = builtins.abs(a) // builtins.abs(b)
    return q if (a < 0) == (b < 0) else -q


def _c_number(x):
    """A number as C++'s ostream prints it (6 significant digits)."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def _arange_floats(start, step, count, dtype):
    """start + step * i in double, one FMA, as the kernel's scalar loop computes it, except that its vectorized
    loop (whole pairs of vectors) rounds each vector's first element to the dtype and adds k * step to that base
    (also one FMA). All in double, rounded once when stored."""
    lanes = _ARANGE_LANES[dtype.name]
    values = []
    vectorized = count - count % (2 * lanes)
    for base_index in range(0, vectorized, lanes):
        base = _fma(step, float(base_index), start)
        if dtype.bits == 32:
            base = _to_f32(base)
        values.append(base)
        values.extend(_fma(float(k), step, base) for k in range(1, lanes))
    values.extend(_fma(step, float(i), start) for i in range(vectorized, count))
    return values


@function
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None):
    """ATen's linspace kernel: the first half steps up from start, the second half steps down from end. float32
    computes its step and every value in float32, each value one fused multiply-add (the AVX2 build's contraction)."""
    if out is not None:
        raise unsupported("torch.linspace(out=...)")
    start, end = _number(start), _number(end)
    dtype = _dtype.check_supported(dtype or _dtype.get_default_dtype())
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps == 1:
        values = [dtype.cast(start)]
    elif dtype.category == 1:
        start, end = dtype.cast(start), dtype.cast(end)
        step = (float(end) - float(start)) / (steps - 1)
        values = [
            _fma(step, float(i), start) if i < steps // 2 else _fma(-step, float(steps - i - 1), end)
            for i in range(steps)
        ]
    elif dtype.bits == 32:
        start, end = _to_f32(start), _to_f32(end)
        step = _to_f32(_to_f32(end - start) / _to_f32(float(steps - 1)))
        values = [
            fma32(step, _to_f32(i), start) if i < steps // 2 else fma32(-step, _to_f32(steps - i - 1), end)
            for i in range(steps)
        ]
    else:
        start, end = float(start), float(end)
        step = (end - start) / (steps - 1)
        values = [
            _fma(step, float(i), start) if i < steps // 2 else _fma(-step, float(steps - i - 1), end)
            for i in range(steps)
        ]
    return _finish(Tensor._from_values(values, (steps,), dtype), requires_grad, device)


@function
def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False, out=None):
    """ATen's logspace_out (RangeFactories.cpp): the exponent's step in double from the dtype's start and end, then
    pow(base, exponent) in double, stored in the dtype."""
    if out is not None:
        raise unsupported("torch.logspace(out=...)")
    start, end = _number(start), _number(end)
    dtype = _dtype.check_supported(dtype or _dtype.get_default_dtype())
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    base = float(base)
    if steps == 1:
        values = [_pow(base, float(start))]
    else:
        start, end = dtype.cast(start), dtype.cast(end)
        if dtype.bits == 32 and dtype.category == 2:
            start, end = _to_f32(start), _to_f32(end)
            span = _to_f32(end - start)
        else:
            span = end - start
        step = float(span) / (steps - 1)
        values = [
            _pow(base, start + step * i) if i < steps // 2 else _pow(base, end - step * (steps - i - 1))
            for i in range(steps)
        ]
    return _finish(Tensor._from_values([dtype.cast(v) for v in values], (steps,), dtype), requires_grad, device)


def _pow(x, y):
    try:
        return math.pow(x, y)
    except OverflowError:
        return math.inf
    except ValueError:
        return math.nan


# ---- like and new_ ------------------------------------------------------------------------------------------------
def _like(factory):
    def like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None, **kwargs):
        return factory(input._shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad, **kwargs)

    like.__name__ = factory.__name__ + "_like"
    return like


@function
def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
    return full(input._shape, fill_value, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


@method
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than "
            "tensor.new_tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        return _finish(_copy_as(data, dtype or self.dtype), requires_grad, device)
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def _new(factory):
    def new(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        return factory(_sizes(size), dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    new.__name__ = "new_" + factory.__name__
    return new


@method
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


# ---- random -------------------------------------------------------------------------------------------------------
def _generator(generator):
    return generator if generator is not None else _random.default_generator


def _float_name(dtype, kernel):
    """The dtype's name for _random's float samplers; other dtypes are refused with ATen's message."""
    if dtype.name not in ("float32", "float64"):
        _dtype.check_supported(dtype)
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtype.word}\'')
    return dtype.name


@function
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, layout=None, pin_memory=False):
    size, dtype = _sizes(size), dtype or _dtype.get_default_dtype()
    values = _random.uniform(
        _generator(generator), math.prod(size), 0.0, 1.0, _float_name(dtype, "check_uniform_bounds")
    )
    return _finish(Tensor._from_values(values, size, dtype), requires_grad, device)


@function
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, layout=None, pin_memory=False):
    size, dtype = _sizes(size), dtype or _dtype.get_default_dtype()
    values = _random.normal(_generator(generator), math.prod(size), 0.0, 1.0, _float_name(dtype, "normal_kernel_cpu"))
    return _finish(Tensor._from_values(values, size, dtype), requires_grad, device)


@function
def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    size, dtype = _sizes((size,)), _dtype.check_supported(dtype or _dtype.int64)
    values = _random.randint(_generator(generator), math.prod(size), low, high)
    return _finish(Tensor._from_values(values, size, dtype), requires_grad, device)


@function
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    dtype = _dtype.check_supported(dtype or _dtype.int64)
    return _finish(Tensor._from_values(_random.randperm(_generator(generator), n), (n,), dtype), requires_grad, device)


zeros_like = function(_like(zeros))
empty_like = function(_like(empty))
ones_like, rand_like, randn_like = (function(_like(f)) for f in (ones, rand, randn))
new_zeros = method(_new(zeros))
new_empty = method(_new(empty))
new_ones = method(_new(ones))


@function
def randint_like(input, low, high=None, *, dtype=None, generator=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    return randint(
        low,
        high,
        input._shape,
        dtype=dtype or input.dtype,
        generator=generator,
        device=device,
        requires_grad=requires_grad,
    )


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
    values = _random.normal(
        _generator(generator),
        self.numel(),
        mean,
        std,
        _float_name(self.dtype, "normal_kernel_cpu"),
        contiguous=self.is_contiguous(),
    )
    return _fill_random(self, values)


@method
def uniform_(self, a=0.0, b=1.0, *, generator=None):
    name = _float_name(self.dtype, "check_uniform_bounds")
    return _fill_random(self, _random.uniform(_generator(generator), self.numel(), a, b, name))


@method
def random_(self, low=0, high=None, *, generator=None):
    if high is None:
        raise unsupported("torch.Tensor.random_ without an upper bound")
    return _fill_random(self, _random.randint(_generator(generator), self.numel(), low, high))


def _uniform_doubles(gen, n):
    """n double uniforms in [0, 1) (at::uniform_real_distribution<double>: 53 bits of one random64 each)."""
    return [(w & _random._MASK53) * 2.0**-53 for w in gen._words64(n)]


@method
def bernoulli_(self, p=0.5, *, generator=None):
    if isinstance(p, Tensor):
        return _fill_random(self, _bernoulli_tensor(_generator(generator), pointwise.views.expanded(p, self._shape)))
    return _fill_random(self, _random.bernoulli(_generator(generator), self.numel(), p))


def _bernoulli_tensor(gen, p):
    """bernoulli_tensor_cpu_kernel (cpu/DistributionTemplates.h): per element, in order, a float32 p draws one 24-bit
    float uniform, a double p one 53-bit double uniform; the element is u < p."""
    if not p.dtype.is_floating_point:
        raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{p.dtype.word}'")
    probabilities = p._values()
    if any(not 0 <= q <= 1 for q in probabilities):
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
            "improved?  If so, please report an enhancement request to PyTorch.)"
        )
    n = len(probabilities)
    uniforms = _uniform_doubles(gen, n) if p.dtype is _dtype.float64 else _random.uniform(gen, n)
    return [1.0 if u < q else 0.0 for u, q in zip(uniforms, probabilities)]


@function
def bernoulli(input, p=None, *, generator=None, out=None):
    if out is not None:
        raise unsupported("torch.bernoulli(out=...)")
    result = zeros(input._shape, dtype=input.dtype)
    if p is not None:
        return bernoulli_(result, p, generator=generator)
    return _fill_random(result, _bernoulli_tensor(_generator(generator), input))


@method
def exponential_(self, lambd=1.0, *, generator=None):
    """exponential_kernel (cpu/DistributionTemplates.h): -1/lambda * log1p(-u) in double, u a double uniform."""
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {self.dtype.word}"
        )
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_c_number(lambd)}")
    scale = -1.0 / lambd
    values = [scale * math.log1p(-u) for u in _uniform_doubles(_generator(generator), self.numel())]
    return _fill_random(self, values)


@method
def geometric_(self, p, *, generator=None):
    """geometric_kernel: ceil(log(u) / log1p(-p)) in double, u a double uniform."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_c_number(p)}")
    _dtype.check_supported(self.dtype)
    denominator = math.log1p(-p)
    values = [
        math.ceil(math.log(u) / denominator) if u > 0 else math.inf
        for u in _uniform_doubles(_generator(generator), self.numel())
    ]
    return _fill_random(self, [self.dtype.cast(float(v)) for v in values])


@function
def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """torch.normal's four forms. With a tensor mean or std (native/DistributionTemplates.h normal_out_impl):
    standard normals of the output's shape, then out * std, then + mean, each a rounding step of the dtype."""
    if out is not None:
        raise unsupported("torch.normal(out=...)")
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal() missing required argument 'size'")
        result = zeros(size, dtype=dtype, device=device)
        return _finish(normal_(result, mean, std, generator=generator), requires_grad)
    if isinstance(std, Tensor):
        if std.numel() and not all(s >= 0 for s in std._values()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_c_number(std)}")
    if getattr(mean, "requires_grad", False) or getattr(std, "requires_grad", False):
        raise unsupported("torch.normal with a mean or std that requires grad")
    like = mean if isinstance(mean, Tensor) else std
    shape = pointwise.broadcast_shapes(pointwise.shape_of(mean), pointwise.shape_of(std))
    result = zeros(shape, dtype=like.dtype)
    if isinstance(std, Tensor):
        normal_(result, 0.0, 1.0, generator=generator)
        result = pointwise.mul(result, std)
    else:
        normal_(result, 0.0, std, generator=generator)
    return pointwise.add(result, mean)


@function
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """ATen's multinomial (native/Distributions.cpp). Without replacement, or for one sample: the top num_samples
    of input / q, q ~ Exp(1) drawn with exponential_ (argmax for one). With replacement: per row, a float
    cumulative distribution searched with one double uniform per sample (cpu/MultinomialKernel.cpp)."""
    if out is not None:
        raise unsupported("torch.multinomial(out=...)")
    if not 1 <= input.dim() <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype.word}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    categories = input._shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = [list(row) for row in _rows_of(input)]
    gen = _generator(generator)
    if not replacement or num_samples == 1:
        if any(not 0 <= v < math.inf for row in rows for v in row):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if any(_sum_in(input.dtype, row) == 0 for row in rows):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if num_samples > builtins.min(sum(1 for v in row if v) for row in rows):
            raise unsupported(
                "torch.multinomial without replacement drawing zero-probability categories "
                "(PyTorch's order among them is not reproducible)"
            )
        if not input.is_contiguous():
            raise unsupported("torch.multinomial of a non-contiguous probability tensor")
        q = exponential_(zeros(input._shape, dtype=input.dtype), generator=gen)
        scores = pointwise.div(input, q)._values()
        result = []
        for r in range(len(rows)):
            row = scores[r * categories : (r + 1) * categories]
            order = sorted(range(categories), key=lambda i: -row[i])
            result.extend(order[:num_samples])
    else:
        result = []
        for row in rows:
            result.extend(_multinomial_row(gen, row, num_samples, input.dtype))
    shape = (num_samples,) if input.dim() == 1 else (input._shape[0], num_samples)
    return Tensor._from_values(result, shape, _dtype.int64)


def _rows_of(input):
    values = input._values()
    n = input._shape[-1]
    return [values[i : i + n] for i in range(0, len(values), n)] if n else [[] for _ in range(input.numel())]


def _sum_in(dtype, row):
    """A row's sum accumulated left to right in the dtype (as the kernels' scalar_t sum)."""
    total = 0.0
    for v in row:
        total = total + v if dtype.bits == 64 else _to_f32(total + v)
    return total


def _multinomial_row(gen, row, num_samples, dtype):
    round_ = (lambda v: v) if dtype.bits == 64 else _to_f32
    total, cumulative = 0.0, []
    for v in row:
        if not v >= 0:
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if not math.isfinite(v):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        total = round_(total + v)
        cumulative.append(total)
    if not total > 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    cumulative = [round_(c / total) for c in cumulative]
    cumulative[-1] = 1.0
    samples = []
    for u in _uniform_doubles(gen, num_samples):
        left, right = 0, len(cumulative)
        while right - left > 0:
            middle = left + (right - left) // 2
            if cumulative[middle] < u:
                left = middle + 1
            else:
                right = middle
        samples.append(left)
    return samples


# ---- torch-level utilities -------------------------------------------------------------------------------------
@function
def result_type(tensor, other):
    return _dtype.result_type(tensor, other)


@function
def is_floating_point(input):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"is_floating_point(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    return input.dtype.is_floating_point


@function
def is_nonzero(input):
    if input.numel() != 1:
        raise RuntimeError(
            f"Boolean value of Tensor with {'no values' if not input.numel() else 'more than one value'} is ambiguous"
        )
    return builtins.bool(input._values()[0])


@function
def set_default_device(device):
    if device is not None:
        check_device(device)


@function
def get_default_device():
    return CPU
