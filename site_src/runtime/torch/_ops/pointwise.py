"""Elementwise ops with broadcasting, their in-place forms, comparisons and copies.

Values are computed in Python floats and rounded to float32 when stored, which for + - * / and sqrt gives
PyTorch's float32 result exactly. A formula that PyTorch evaluates in several float32 steps is written as several
tensor ops here, so every step rounds as it does in PyTorch.
"""

import builtins
import math
import operator
import warnings
from array import array
from itertools import repeat

from .. import _dtype, _kernels
from .._kernels.reference import ELEMENTWISE, _divide, fma32
from .._random import _to_f32
from .._tensor import Tensor, new_storage
from .._unsupported import unsupported
from ..autograd.graph import needs_grad, record
from ..autograd.grad_mode import is_grad_enabled
from . import reduction, views
from .registry import method, op

_inf, _nan = float("inf"), float("nan")


# ---- broadcasting machinery -------------------------------------------------------------------------------------
def shape_of(value):
    return value._shape if isinstance(value, Tensor) else ()


def broadcast_shapes(*shapes):
    """The shapes broadcast together, folded left to right as ATen's infer_size does; a mismatch is reported at
    the first dim that fails from the right, as PyTorch's message does."""
    if len(shapes) == 2:  # the common cases: one shape, or a tensor with a number
        a, b = shapes
        if a == b or not b:
            return tuple(a)
        if not a:
            return tuple(b)
    result = ()
    for shape in shapes:
        rank = builtins.max(len(result), len(shape))
        a, b = (1,) * (rank - len(result)) + result, (1,) * (rank - len(shape)) + tuple(shape)
        for dim in range(rank - 1, -1, -1):
            if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({a[dim]}) must match the size of tensor b ({b[dim]}) "
                    f"at non-singleton dimension {dim}"
                )
        result = tuple(y if x == 1 else x for x, y in zip(a, b))
    return result


def _column(value, shape, n, dtype):
    """The operand's values broadcast to `shape`: a tensor's elements, or a Python number repeated.
    A number meeting a float32 tensor is first rounded to float32, as ATen casts scalars to the op's type."""
    if isinstance(value, Tensor):
        values = value._values() if value._shape == shape else views.expanded(value, shape)._values()
        if value.dtype.category == 1 and dtype is _dtype.float32:  # integers are cast to the op's float type first
            values = [_to_f32(dtype.cast(v)) for v in values]
        return values
    return repeat(_dtype_scalar(value, dtype), n)


def _dtype_scalar(value, dtype):
    if dtype is _dtype.float32:
        return _to_f32(float(value))
    return dtype.cast(value)


# The Python functions that are also a kernel's (reference.ELEMENTWISE), whatever the dtype.
_KERNEL_NAMES = {
    operator.add: "add",
    operator.sub: "sub",
    operator.mul: "mul",
    _divide: "div",
    operator.neg: "neg",
    operator.abs: "abs",
}


def elementwise(fn, *operands, dtype=None, out_dtype=None):
    """fn applied to the operands' elements, broadcast together, computing in `dtype` (their promotion by
    default) and storing as `out_dtype` (default: dtype). The kernel where fn has one and all is float32."""
    dtype = dtype or _dtype.result_type(*operands)
    shape = broadcast_shapes(*(shape_of(x) for x in operands))
    kernel = _KERNEL_NAMES.get(fn)
    if kernel and dtype is (out_dtype or dtype) is _dtype.float32:
        out = float32_kernel(kernel, *operands, shape=shape)
        if out is not None:
            return out
    n = math.prod(shape)
    columns = [_column(x, shape, n, dtype) for x in operands]
    return Tensor._from_values(list(map(fn, *columns)), shape, out_dtype or dtype)


def float32_kernel(name, *operands, params=(), shape=None):
    """The float32 tensor of kernel `name` (reference.ELEMENTWISE, with its params) over the operands broadcast
    together, numbers meeting it as float32 values; None unless every tensor operand is float32."""
    shape = broadcast_shapes(*(shape_of(x) for x in operands)) if shape is None else shape
    n = math.prod(shape)
    columns = []
    for x in operands:
        if isinstance(x, Tensor):
            if x.dtype is not _dtype.float32:
                return None
            columns.append(x._values() if x._shape == shape else views.expanded(x, shape)._values())
        elif isinstance(x, (int, float)):
            columns.append(array("f", (x,)) * n)
        else:
            return None
    values = _kernels.elementwise(name, columns, params)
    return Tensor._make(values, shape, views.contiguous_strides(shape), 0, _dtype.float32)


def _float_dtype(*operands):
    return _dtype.result_type(*operands).to_float()  # integers give the default dtype


def grad_for(operand, grad):
    """grad summed back to `operand`'s shape (undoing broadcasting), or None where operand needs no gradient."""
    if not getattr(operand, "requires_grad", False):
        return None
    return reduction.sum_to(grad, operand._shape)


def _tensors(*values):
    return tuple(v for v in values if isinstance(v, Tensor))


def zeros_of(shape, dtype):
    return Tensor._from_values([0] * math.prod(shape), shape, dtype)


# ---- IEEE behaviour that Python's float operators do not give ---------------------------------------------------
def _power(x, y):
    try:
        result = math.pow(x, y)
    except OverflowError:
        return math.copysign(_inf, x) if x < 0 and float(y).is_integer() and y % 2 else _inf
    except (ValueError, ZeroDivisionError):
        return _nan if x < 0 else _inf
    return result


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return _inf


def _log(x):
    if x > 0:
        return math.log(x)
    return -_inf if x == 0 else _nan


def _sqrt(x):
    return math.sqrt(x) if x >= 0 else _nan


def _sigmoid(x):
    return 1.0 / (1.0 + _exp(-x))


def _sigmoid_f32(x):
    """ATen's float32 sigmoid: exp(-x), 1 + it and its reciprocal, each rounded to float32."""
    return 1.0 / _to_f32(1.0 + _to_f32(_exp(-x)))


# ---- arithmetic -------------------------------------------------------------------------------------------------
def _add_scaled(input, other, alpha, dtype):
    """input + alpha * other, as add/sub compute it: a fused multiply-add per element as ATen's vectorized loop
    does it, except where `other` is one value broadcast over a float32 input (_scalar_tail_steps)."""
    if alpha in (1, -1):  # alpha * other is exact: the fused multiply-add is a plain add or subtract
        return elementwise(operator.add if alpha == 1 else operator.sub, input, other, dtype=dtype)
    alpha = _dtype_scalar(alpha, dtype)
    if (
        isinstance(input, Tensor)
        and isinstance(other, Tensor)
        and input.dtype is other.dtype is _dtype.float32
        and input._shape == other._shape
    ):
        # The hot case (the SGD update p.add_(grad, alpha=-lr)): the kernel, not a Python call per element.
        return float32_kernel("add_scaled", input, other, params=(alpha,))
    fused = (lambda x, y: fma32(alpha, y, x)) if dtype is _dtype.float32 else (lambda x, y: x + alpha * y)
    out = elementwise(fused, input, other, dtype=dtype)
    if isinstance(input, Tensor) and input.dtype is dtype is _dtype.float32 and input._shape == out._shape:
        row = _constant_run(shape_of(other), out._shape, input.is_contiguous())
        if row > 1:
            others = _column(other, out._shape, out.numel(), dtype)
            scaled = [_to_f32(alpha * y) for y in (others if isinstance(others, list) else list(others))]
            values, source = out._values(), input._values()
            for i in _scalar_tail_steps(out.numel(), row):
                values[i] = source[i] + scaled[i]
    return out


def _constant_run(other_shape, shape, contiguous):
    """How many consecutive elements of ATen's inner loop see one value of `other` (1: other varies along it).
    Over a contiguous input the loop runs along the trailing dims where other is broadcast (TensorIterator merges
    them); over any other layout, along the last dim."""
    padded = (1,) * (len(shape) - len(other_shape)) + tuple(other_shape)
    run = 1
    for size, other_size in zip(reversed(shape), reversed(padded)):
        if other_size != 1:
            break
        run *= size
        if not contiguous:
            break
    return run


def _scalar_tail_steps(n, row):
    """Where ATen rounds alpha * other before the add, for one value `other` broadcast over rows of `row` elements:
    its loop takes each row in vectors of 16 (fused multiply-adds), then the rest in the compiler's own loop,
    which does one element alone and then groups of 4 with SSE, multiplying and adding in two roundings; what is
    left after the groups is done alone again (fused). Measured on torch 2.13 (x86-64 wheel) for every length."""
    steps = []
    for start in range(0, n, row):
        tail = start + row // 16 * 16 + 1
        steps.extend(range(tail, tail + (row % 16 - 1) // 4 * 4) if row % 16 else ())
    return steps


@op(in_place=True, out=True)
def add(input, other, *, alpha=1):
    dtype = _dtype.result_type(input, other)
    out = _add_scaled(input, other, alpha, dtype)
    return record(
        "AddBackward0",
        out,
        (input, other),
        lambda grad: (grad_for(input, grad), grad_for(other, grad if alpha == 1 else mul(grad, alpha))),
    )


@op(in_place=True, out=True)
def sub(input, other, *, alpha=1):
    if not isinstance(input, Tensor):
        return rsub(other, input, alpha=alpha)
    dtype = _dtype.result_type(input, other)
    if dtype is _dtype.bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    out = _add_scaled(input, other, -alpha, dtype)
    # -grad * alpha, the product left out where alpha is 1 (maybe_multiply in ATen's derivatives)
    return record(
        "SubBackward0",
        out,
        (input, other),
        lambda grad: (grad_for(input, grad), grad_for(other, neg(grad) if alpha == 1 else mul(neg(grad), alpha))),
    )


@op
def rsub(input, other, *, alpha=1):
    """other - alpha * input, for a number on the left of `-`."""
    dtype = _dtype.result_type(input, other)
    alpha = _dtype_scalar(alpha, dtype)
    out = elementwise(lambda x, y: y - alpha * x, input, other, dtype=dtype)
    name = "RsubBackward1" if not isinstance(other, Tensor) else "RsubBackward0"
    inputs = (input,) if not isinstance(other, Tensor) else (input, other)
    return record(
        name, out, inputs, lambda grad: (grad_for(input, mul(neg(grad), alpha)), grad_for(other, grad))[: len(inputs)]
    )


@op(in_place=True, out=True)
def mul(input, other):
    out = elementwise(operator.mul, input, other)
    return record(
        "MulBackward0",
        out,
        (input, other),
        lambda grad: (grad_for(input, mul(grad, other)), grad_for(other, mul(grad, input))),
        saved=_tensors(input, other),
    )


@op(in_place=True, out=True, aliases=("true_divide", "divide"))
def div(input, other, *, rounding_mode=None):
    if rounding_mode is not None:
        return _rounded_div(input, other, rounding_mode)
    if not isinstance(input, Tensor):  # number / tensor is reciprocal(tensor) * number in PyTorch
        return mul(reciprocal(other), input)
    out = elementwise(_divide, input, other, dtype=_float_dtype(input, other))
    return record(
        "DivBackward0",
        out,
        (input, other),
        lambda grad: (
            grad_for(input, div(grad, other)),
            grad_for(other, mul(neg(grad), div(div(input, other), other))),
        ),
        saved=_tensors(input, other),
    )


def _rounded_div(input, other, rounding_mode):
    """div with rounding_mode "trunc" or "floor": no gradient (DivBackward2 passes zeros)."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    if rounding_mode == "floor":
        out = floor_divide(input, other)
    else:
        dtype = _dtype.result_type(input, other)
        rounded = _to_f32 if dtype is _dtype.float32 else float

        def trunc_div(x, y):  # ATen: std::trunc(a / b), the quotient first rounded to the dtype
            if not dtype.is_floating_point:
                if y == 0:
                    raise RuntimeError("ZeroDivisionError")
                q = builtins.abs(x) // builtins.abs(y)
                return q if (x < 0) == (y < 0) else -q
            q = rounded(_divide(x, y))
            return q if q != q or q in (_inf, -_inf) else math.copysign(float(math.trunc(q)), q)

        out = elementwise(trunc_div, input, other, dtype=dtype)
    if not isinstance(input, Tensor):
        return out
    return record(
        "DivBackward2",
        out,
        (input, other),
        lambda grad: tuple(
            grad_for(t, zeros_of(t._shape, grad.dtype)) if isinstance(t, Tensor) else None for t in (input, other)
        ),
    )


@op(in_place=True, out=True)
def floor_divide(input, other):
    def floor_div(x, y):
        try:
            return x // y
        except ZeroDivisionError:
            if isinstance(x, int):
                raise RuntimeError("ZeroDivisionError") from None
            return _divide(x, y)

    return elementwise(floor_div, input, other)


@op(in_place=True, out=True)
def remainder(input, other):
    def mod(x, y):
        try:
            return x % y
        except ZeroDivisionError:
            if isinstance(x, int):
                raise RuntimeError("ZeroDivisionError") from None
            return _nan

    out = elementwise(mod, input, other)
    if not isinstance(input, Tensor):
        return out
    if not isinstance(other, Tensor):
        return record("RemainderBackward0", out, (input,), lambda grad: (grad,))
    return record(
        "RemainderBackward1",
        out,
        (input, other),
        lambda grad: (grad_for(input, grad), grad_for(other, mul(neg(grad), div(input, other, rounding_mode="floor")))),
        saved=(input, other),
    )


@op(in_place=True, out=True)
def reciprocal(input):
    out = elementwise(lambda x: _divide(1.0, x), input, dtype=_float_dtype(input))
    return record("ReciprocalBackward0", out, (input,), lambda grad: (mul(neg(grad), mul(out, out)),), saved=(out,))


@op(in_place=True, out=True)
def pow(input, exponent):
    if not isinstance(input, Tensor):  # number ** tensor
        out = elementwise(_power, input, exponent, dtype=_float_dtype(exponent))
        return record(
            "PowBackward2", out, (exponent,), lambda grad: (mul(grad, mul(out, math.log(input))),), saved=(out,)
        )
    if isinstance(exponent, Tensor):
        out = elementwise(_power, input, exponent)
        return record(
            "PowBackward1",
            out,
            (input, exponent),
            lambda grad: (
                grad_for(input, mul(grad, mul(exponent, pow(input, sub(exponent, 1))))),
                grad_for(exponent, mul(grad, mul(out, log(input)))),
            ),
            saved=(input, exponent, out),
        )
    if exponent == 1 and input.dtype.is_floating_point:  # ATen's pow_out copies the base
        out = Tensor._from_values(input._values(), input._shape, input.dtype)
    elif exponent == 2:  # ATen special-cases small exponents; these round exactly as its float32 kernels do
        out = elementwise(operator.mul, input, input)
    elif exponent == 3:
        out = mul(elementwise(operator.mul, input, input), input).detach()
    else:
        out = elementwise(_power, input, exponent, dtype=_dtype.result_type(input, exponent))

    def backward(grad):
        if exponent == 0:
            return (zeros_of(input._shape, grad.dtype),)
        return (mul(grad, mul(pow(input, exponent - 1), exponent)),)

    return record("PowBackward0", out, (input,), backward, saved=(input,))


@op(in_place=True, out=True)
def neg(input):
    if input.dtype is _dtype.bool:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return record("NegBackward0", elementwise(operator.neg, input), (input,), lambda grad: (neg(grad),))


@op(in_place=True, out=True)
def abs(input):
    out = elementwise(operator.abs, input)
    return record("AbsBackward0", out, (input,), lambda grad: (mul(grad, sign(input)),), saved=(input,))


@op(in_place=True, out=True)
def sign(input):
    out = elementwise(lambda x: (x > 0) - (x < 0), input)  # nan -> 0, as ATen's (0 < x) - (x < 0)
    return record("SignBackward0", out, (input,), lambda grad: (zeros_of(grad._shape, grad.dtype),))


@op(in_place=True, out=True)
def square(input):
    return pow(input, 2)


@op(in_place=True, out=True)
def exp(input):
    out = elementwise(_exp, input, dtype=_float_dtype(input))
    return record("ExpBackward0", out, (input,), lambda grad: (mul(grad, out),), saved=(out,))


@op(in_place=True, out=True)
def log(input):
    out = elementwise(_log, input, dtype=_float_dtype(input))
    return record("LogBackward0", out, (input,), lambda grad: (div(grad, input),), saved=(input,))


@op(in_place=True, out=True)
def sqrt(input):
    out = float32_kernel("sqrt", input)
    if out is None:
        out = elementwise(_sqrt, input, dtype=_float_dtype(input))
    return record("SqrtBackward0", out, (input,), lambda grad: (div(grad, mul(out, 2)),), saved=(out,))


@op(in_place=True, out=True)
def rsqrt(input):
    out = elementwise(lambda x: _divide(1.0, _sqrt(x)), input, dtype=_float_dtype(input))
    return record("RsqrtBackward0", out, (input,), lambda grad: (mul(mul(grad, pow(out, 3)), -0.5),), saved=(out,))


@op(in_place=True, out=True)
def sigmoid(input):
    dtype = _float_dtype(input)
    if input.dtype is _dtype.float32:  # SLEEF's exp in the vectorized blocks, glibc's on the rest (libm.py)
        from . import libm

        out = Tensor._from_values(libm.vectorized(input, libm.sleef_sigmoid, libm.libm_sigmoid), input._shape, dtype)
    else:
        out = elementwise(_sigmoid_f32 if dtype is _dtype.float32 else _sigmoid, input, dtype=dtype)
    return record("SigmoidBackward0", out, (input,), lambda grad: (mul(mul(grad, rsub(out, 1)), out),), saved=(out,))


@op(in_place=True, out=True)
def tanh(input):
    out = elementwise(math.tanh, input, dtype=_float_dtype(input))
    return record("TanhBackward0", out, (input,), lambda grad: (mul(grad, rsub(mul(out, out), 1)),), saved=(out,))


@op(in_place=True)
def relu(input):
    out = _kernel_or_python("relu", input)
    return record(
        "ReluBackward0", out, (input,), lambda grad: (_kernel_or_python("relu_backward", grad, out),), saved=(out,)
    )


def _kernel_or_python(name, *operands, params=(), dtype=None):
    """Kernel `name` over the operands where they are float32, else its function elementwise in `dtype` (their
    promotion by default)."""
    out = float32_kernel(name, *operands, params=params)
    return out if out is not None else elementwise(ELEMENTWISE[name](*params), *operands, dtype=dtype)


@op(in_place=True, out=True, aliases=("clip",))
def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) != isinstance(max, Tensor) and min is not None and max is not None:
        # a number with a tensor: PyTorch picks clamp(Scalar, Scalar), which takes a 0-dim tensor as a number
        min, max = (b.item() if isinstance(b, Tensor) and not b.dim() else b for b in (min, max))
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_tensors(input, min, max)
    dtype = _dtype.result_type(input, *(b for b in (min, max) if b is not None))
    bounds = (-_inf if min is None else _dtype_scalar(min, dtype), _inf if max is None else _dtype_scalar(max, dtype))
    out = _kernel_or_python("clamp", input, params=bounds, dtype=dtype)  # dtype: an integer tensor, a float bound
    return record(
        "ClampBackward1",
        out,
        (input,),
        lambda grad: (_kernel_or_python("clamp_backward", grad, input, params=bounds),),
        saved=(input,),
    )


def _clamp_tensors(input, min, max):
    """clamp with tensor bounds: ATen's min(max(x, min), max), nan where a bound is nan; gradients as
    FunctionsManual.cpp clamp_backward and clamp_backward_min_max."""
    bounds = [b for b in (min, max) if b is not None]

    def clip(x, *limits):
        low, high = (limits[0], None) if max is None else (None, limits[0]) if min is None else limits
        if any(b != b for b in limits) or x != x:
            return _nan if any(b != b for b in limits) else x
        if low is not None and x < low:
            x = low
        return high if high is not None and x > high else x

    out = elementwise(clip, input, *bounds)
    zero = 0.0

    def backward(grad):
        if min is not None and max is not None:
            within = logical_and(ge(input, min), le(input, max))
            below = logical_and(lt(input, min), lt(min, max))
            above = logical_or(gt(input, max), lt(max, min))
        else:
            within = ge(input, min) if min is not None else le(input, max)
            below = lt(input, min) if min is not None else None
            above = gt(input, max) if max is not None else None
        return (
            grad_for(input, where(within, grad, zero)),
            None if min is None else grad_for(min, where(below, grad, zero)),
            None if max is None else grad_for(max, where(above, grad, zero)),
        )

    return record("ClampBackward0", out, (input, min, max), backward, saved=(input, *bounds))


@op(in_place=True, out=True)
def lerp(input, end, weight):
    """input + weight * (end - input) as ATen's vectorized lerp: one fused multiply-add, from the far end when
    |weight| >= 0.5."""

    def fused(x, y, w):  # the float64 form of reference.py's float32 _lerp
        return x + w * (y - x) if builtins.abs(w) < 0.5 else y - (y - x) * (1 - w)

    out = float32_kernel("lerp", input, end, weight)
    if isinstance(weight, Tensor):
        out = out if out is not None else elementwise(fused, input, end, weight)
        return record(
            "LerpBackward1",
            out,
            (input, end, weight),
            lambda grad: (
                grad_for(input, mul(grad, rsub(weight, 1))),
                grad_for(end, mul(grad, weight)),
                grad_for(weight, mul(grad, sub(end, input))),
            ),
            saved=(input, end, weight),
        )
    out = out if out is not None else elementwise(lambda x, y: fused(x, y, weight), input, end)
    return record(
        "LerpBackward0",
        out,
        (input, end),
        lambda grad: (grad_for(input, mul(grad, 1 - weight)), grad_for(end, mul(grad, weight))),
    )


def _detached(value):
    return value.detach() if isinstance(value, Tensor) else value


@op(in_place=True, out=True)
def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2: for float32 ATen's fma(value * tensor1, tensor2, input)."""
    out = float32_kernel("addcmul", input, tensor1, tensor2, params=(_to_f32(value),))
    if out is None:
        out = add(_detached(input), mul(mul(_detached(tensor1), value), _detached(tensor2)))
    return record(
        "AddcmulBackward0",
        out,
        (input, tensor1, tensor2),
        lambda grad: (
            grad_for(input, grad),
            grad_for(tensor1, mul(grad, mul(tensor2, value))),
            grad_for(tensor2, mul(grad, mul(tensor1, value))),
        ),
        saved=(tensor1, tensor2),
    )


@op(in_place=True, out=True)
def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 / tensor2, evaluated left to right as ATen does."""
    out = float32_kernel("addcdiv", input, tensor1, tensor2, params=(_to_f32(value),))
    if out is None:
        out = add(_detached(input), div(mul(_detached(tensor1), value), _detached(tensor2)))

    def backward(grad):
        value_over = div(Tensor._from_values([value] * tensor2.numel(), tensor2._shape, tensor2.dtype), tensor2)
        return (
            grad_for(input, grad),
            grad_for(tensor1, mul(grad, value_over)),
            grad_for(tensor2, mul(neg(grad), div(mul(tensor1, value), mul(tensor2, tensor2)))),
        )

    return record("AddcdivBackward0", out, (input, tensor1, tensor2), backward, saved=(tensor1, tensor2))


def reflected(op):
    """The method Python calls for `number <op> tensor` (__radd__ and friends)."""
    if op == "sub":
        return lambda self, other: rsub(self, other)
    if op in ("truediv", "floordiv", "mod", "pow"):
        function = {"truediv": div, "floordiv": floor_divide, "mod": remainder, "pow": pow}[op]
        return lambda self, other: function(other, self)
    if op in ("lshift", "rshift"):
        function = bitwise_left_shift if op == "lshift" else bitwise_right_shift
        return lambda self, other: function(other, self)
    return {"add": add, "mul": mul, "and": bitwise_and, "or": bitwise_or, "xor": bitwise_xor}[op]


# ---- comparisons and logic (no gradients) -----------------------------------------------------------------------
def _comparison(compare):
    def compare_op(input, other):
        return elementwise(compare, input, other, out_dtype=_dtype.bool)

    compare_op.__name__ = compare.__name__
    return compare_op


eq, ne, lt, le, gt, ge = (
    op(_comparison(c), in_place=True, out=True)
    for c in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge)
)


@op(in_place=True, out=True)
def logical_not(input):
    return elementwise(operator.not_, input, out_dtype=_dtype.bool)


@op(in_place=True, out=True)
def logical_and(input, other):
    return elementwise(lambda x, y: bool(x) and bool(y), input, other, out_dtype=_dtype.bool)


@op(in_place=True, out=True)
def logical_or(input, other):
    return elementwise(lambda x, y: bool(x) or bool(y), input, other, out_dtype=_dtype.bool)


@op(in_place=True, out=True)
def logical_xor(input, other):
    return elementwise(lambda x, y: bool(x) != bool(y), input, other, out_dtype=_dtype.bool)


# ---- bitwise ops (integers and bools; on bools they are the logical ops, as in PyTorch) -------------------------
def _integer_op(name, kernel, fn):
    """An op of ATen's integer kernels: result dtype by promotion; floats (and bools for the shifts) are refused
    with ATen's message."""

    def bitwise(input, other):
        dtype = _dtype.result_type(input, other)
        if dtype.is_floating_point or (dtype is _dtype.bool and kernel.endswith("shift")):
            raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{dtype.word}\'')
        return elementwise(fn(dtype), input, other, dtype=dtype)

    bitwise.__name__ = name
    return op(bitwise, in_place=True, out=True)


def _left_shift(dtype):
    def shift(a, b):  # ATen's lshift_kernel: 0 past the width or for a negative shift (wrapped on store)
        return 0 if b < 0 or b >= dtype.bits else a << b

    return shift


def _right_shift(dtype):
    width = dtype.bits - dtype.is_signed

    def shift(a, b):  # ATen's rshift_kernel: a >> (width) past the width or for a negative shift
        return a >> width if b < 0 or b >= width else a >> b

    return shift


bitwise_and = _integer_op("bitwise_and", "bitwise_and", lambda dtype: operator.and_)
bitwise_or = _integer_op("bitwise_or", "bitwise_or", lambda dtype: operator.or_)
bitwise_xor = _integer_op("bitwise_xor", "bitwise_xor", lambda dtype: operator.xor)
bitwise_left_shift = _integer_op("bitwise_left_shift", "lshift", _left_shift)
bitwise_right_shift = _integer_op("bitwise_right_shift", "rshift", _right_shift)


@op(in_place=True, out=True)
def bitwise_not(input):
    if input.dtype.is_floating_point:
        raise NotImplementedError(f'"bitwise_not_cpu" not implemented for \'{input.dtype.word}\'')
    return elementwise(operator.not_ if input.dtype is _dtype.bool else operator.invert, input)


def invert(self):
    """`~t`: bitwise_not, which Python's operator refuses for floats before ATen sees them."""
    if self.dtype.is_floating_point:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


@op
def isnan(input):
    return elementwise(lambda x: x != x, input, out_dtype=_dtype.bool)


@op
def isfinite(input):
    return elementwise(lambda x: x == x and x not in (_inf, -_inf), input, out_dtype=_dtype.bool)


@op
def isinf(input):
    return elementwise(lambda x: x in (_inf, -_inf), input, out_dtype=_dtype.bool)


@op(out=True)
def isposinf(input):
    return elementwise(lambda x: x == _inf, input, out_dtype=_dtype.bool)


@op(out=True)
def isneginf(input):
    return elementwise(lambda x: x == -_inf, input, out_dtype=_dtype.bool)


@op
def isreal(input):
    return elementwise(lambda x: True, input, out_dtype=_dtype.bool)  # (no complex dtypes in the runtime)


@op(out=True)
def signbit(input):
    if input.dtype.is_floating_point:
        return elementwise(lambda x: math.copysign(1.0, x) < 0, input, out_dtype=_dtype.bool)
    return elementwise(lambda x: x < 0, input, out_dtype=_dtype.bool)


@op(out=True, method=False)
def where(condition, input=None, other=None):
    if input is None and other is None:  # torch.where(condition) is nonzero(condition, as_tuple=True)
        from .indexing import nonzero

        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError(
            "where() received an invalid combination of arguments - got (Tensor, Tensor), but expected "
            "one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, Tensor other, *, Tensor "
            "out = None)\n * (Tensor condition, Number self, Tensor other)\n * (Tensor condition, Tensor "
            "input, Number other)\n * (Tensor condition, Number self, Number other)\n"
        )
    dtype = _dtype.result_type(input, other)
    out = elementwise(lambda c, x, y: x if c else y, condition, input, other, dtype=dtype)
    return record(
        "WhereBackward0",
        out,
        (input, other),
        lambda grad: (grad_for(input, where(condition, grad, 0.0)), grad_for(other, where(condition, 0.0, grad))),
    )


def _where_method(self, condition, other):
    """Tensor.where(condition, other): torch.where(condition, self, other)."""
    return where(condition, self, other)


_where_method.__name__ = "where"
method(_where_method)


@op(in_place=True)
def masked_fill(input, mask, value):
    out = elementwise(lambda x, m: value if m else x, input, mask, dtype=input.dtype)
    return record("MaskedFillBackward0", out, (input,), lambda grad: (masked_fill(grad, mask, 0.0),))


@op
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(reduction.all(isclose(input, other, rtol, atol, equal_nan)))


@op
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, evaluated in the tensors' dtype like ATen's isclose."""
    close = eq(input, other)
    if equal_nan:
        close = logical_or(close, logical_and(isnan(input), isnan(other)))
    error = abs(sub(input, other))
    return logical_or(close, logical_and(isfinite(error), le(error, add(abs(mul(other, rtol)), atol))))


@op
def equal(input, other):
    return input._shape == other._shape and list(input._values()) == list(other._values())


# ---- copies and dtype conversion --------------------------------------------------------------------------------
@op
def clone(input, *, memory_format=None):
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    return record("CloneBackward0", out, (input,), lambda grad: (grad,))


@method
def contiguous(input, memory_format=None):
    return input if input.is_contiguous() else clone(input)


def write_out(out, result, name):
    """The `out=` argument of a torch function: result written into `out`, which is resized (with PyTorch's warning
    when it held elements) if its shape differs."""
    if is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad."
        )
    if result.dtype.category > out.dtype.category:
        raise RuntimeError(
            f"result type {_type_word(result.dtype)} can't be cast to the desired output type {_type_word(out.dtype)}"
        )
    if out._shape != result._shape:
        if out.numel():
            warnings.warn(
                f"An output with one or more elements was resized since it had shape {list(out._shape)}, "
                f"which does not match the required output shape {list(result._shape)}. This behavior is "
                "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                "elements with t.resize_(0).",
                UserWarning,
                stacklevel=3,
            )
        shape = result._shape
        out._storage = Tensor._from_values([0] * result.numel(), shape, out.dtype)._storage
        out._shape, out._stride, out._offset = shape, views.contiguous_strides(shape), 0
    out._write([out.dtype.cast(v) for v in result._values()])
    out._version[0] += 1
    return out


def _type_word(dtype):
    """Float, Long, Bool: how ATen names a dtype in its casting errors."""
    return dtype.word


def to_dtype(input, dtype):
    out = Tensor._from_values([dtype.cast(v) for v in input._values()], input._shape, dtype)
    return record("ToCopyBackward0", out, (input,), lambda grad: (to_dtype(grad, input.dtype),))


# ---- in-place forms ---------------------------------------------------------------------------------------------
def _check_in_place(self, *sources):
    """PyTorch's refusals for in-place writes that autograd would have to see; returns whether it must."""
    if not needs_grad(self, *sources):
        return False
    base = self._base if self._base is not None else self
    if base.is_leaf and base.requires_grad:
        prefix = "a view of a leaf Variable" if self._base is not None else "a leaf Variable"
        raise RuntimeError(f"{prefix} that requires grad is being used in an in-place operation.")
    if self._base is not None:
        raise unsupported("an in-place op on a view of a tensor that requires grad (CopySlices)")
    return True


def _write_result(self, result):
    if result._shape != self._shape:
        raise RuntimeError(
            f"output with shape {list(self._shape)} doesn't match the broadcast shape {list(result._shape)}"
        )
    if result.dtype.category > self.dtype.category:
        raise RuntimeError(
            f"result type {_type_word(result.dtype)} can't be cast to the desired output type {_type_word(self.dtype)}"
        )
    self._write(result._values())
    self._version[0] += 1
    node = result.grad_fn
    if node is not None:
        # The op's output is self from now on: a later in-place change of self must invalidate what it saved.
        node._saved = tuple((self, self._version[0]) if t is result else (t, v) for t, v in node._saved)
        self._set_grad_fn(node)
    return self


def in_place(op):
    """op_: op computed out of place, then written into self's elements (and graph position). Every op declared
    with in_place=True gets its Tensor.NAME_ from this."""

    def op_(self, *args, **kwargs):
        if _check_in_place(self, *args):
            # The op reads a copy of self, so values its backward saved survive the overwrite below.
            before = Tensor._from_values(self._values(), self._shape, self.dtype)
            before.grad_fn, before._requires_grad = self.grad_fn, self.requires_grad
            return _write_result(self, op(before, *args, **kwargs))
        return _write_result(self, op(self, *args, **kwargs))

    op_.__name__ = op.__name__ + "_"
    return op_


@method
def fill_(self, value):
    if _check_in_place(self, value):
        raise unsupported("torch.Tensor.fill_ on a tensor that requires grad")
    value = value.item() if isinstance(value, Tensor) else value
    self._write(new_storage(self.dtype, [_dtype.checked(value, self.dtype, self.dtype.ctype)]) * self.numel())
    self._version[0] += 1
    return self


@method
def zero_(self):
    return fill_(self, 0)


@method
def copy_(self, src, non_blocking=False):
    if _check_in_place(self, src):
        raise unsupported("torch.Tensor.copy_ with autograd")
    self._write([self.dtype.cast(v) for v in views.expanded(src, self._shape)._values()])
    self._version[0] += 1
    return self


@op(out=True)
def maximum(input, other):
    out = elementwise(lambda x, y: x if x > y or x != x else y, input, other)
    return record(
        "MaximumBackward0",
        out,
        (input, other),
        lambda grad: (grad_for(input, mul(grad, ge(input, other))), grad_for(other, mul(grad, lt(input, other)))),
    )


@op(out=True)
def minimum(input, other):
    out = elementwise(lambda x, y: x if x < y or x != x else y, input, other)
    return record(
        "MinimumBackward0",
        out,
        (input, other),
        lambda grad: (grad_for(input, mul(grad, le(input, other))), grad_for(other, mul(grad, gt(input, other)))),
    )
