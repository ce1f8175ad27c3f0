"""Elementwise math: trigonometric, hyperbolic, exponential and logarithmic functions, rounding, the error and
gamma functions, and the binary ones (atan2, fmod, hypot, copysign, xlogy, logaddexp, float_power).

Accuracy. A function evaluated by ATen in one step (sin, atan, log2, ...) is computed here in double and rounded
once to float32: the correctly rounded result. PyTorch's CPU kernels use SLEEF's vectorized float32 functions
(Sleef_sinf16_u35, Sleef_atanf16_u10, ...; max error 3.5 or 1.0 ULP), so a small share of results differ from
PyTorch's in the last bit (measured on 1e5 random inputs: 0.02% for log2 up to ~15% for tan and asinh), never by
more than 1 ULP except near a zero of lgamma. exp2, expm1, log1p and sigmoid are bit-exact: _ops/libm.py emulates
the SLEEF and glibc code ATen runs for them, element by element as its vectorized loop assigns it. Functions that
ATen writes as float32 formulas (erf, erfinv, digamma, logaddexp, xlogy, deg2rad, round(decimals=),
div(rounding_mode="trunc"), ...) repeat those formulas step by step.
Backward formulas are those of PyTorch's tools/autograd/derivatives.yaml, written with the runtime's ops in the same
order, so each float32 rounding happens where PyTorch's does.
"""

import builtins
import math

from .. import _dtype
from .._random import _to_f32
from .._tensor import Tensor
from ..autograd.graph import record
from . import libm, pointwise
from .pointwise import (
    _float_dtype,
    _inf,
    _nan,
    add,
    div,
    elementwise,
    grad_for,
    mul,
    neg,
    pow,
    rsqrt,
    rsub,
    sub,
    to_dtype,
    where,
    zeros_of,
)
from .registry import method, op

_f32 = _to_f32
_pi = math.pi


# ---- float32 arithmetic -----------------------------------------------------------------------------------------
def _ieee(fn, domain=lambda x: _nan, overflow=lambda x: _inf):
    """fn, with the IEEE results where Python's math raises: domain(x) for ValueError, overflow(x) for
    OverflowError."""

    def kernel(x):
        try:
            return fn(x)
        except ValueError:
            return domain(x)
        except OverflowError:
            return overflow(x)

    return kernel


def _detached(value):
    return value.detach() if isinstance(value, Tensor) else value


def _signed_inf(x):
    return math.copysign(_inf, x)


def _floating(input):
    """input as the tensor a float-valued op reads: integer and bool tensors become float32 first, as ATen casts
    them to the result type before the kernel runs."""
    if input.dtype.is_floating_point:
        return input
    return to_dtype(input.detach(), _dtype.float32)


def _operand(value, dtype):
    """A binary op's operand as its kernel reads it: an integer tensor meeting a float result is cast first."""
    if isinstance(value, Tensor) and dtype.is_floating_point and not value.dtype.is_floating_point:
        return to_dtype(value.detach(), dtype)
    return value


def _unary(fn, input):
    return elementwise(fn, _floating(input), dtype=_float_dtype(input))


def _float32_map(input, vector_fn, scalar_fn, fallback):
    """A float32 op computed as ATen's kernel computes each element (libm.vector_mask: SLEEF's vector code or the
    scalar glibc code); other dtypes use `fallback` in double."""
    x = _floating(input)
    if x.dtype is not _dtype.float32:
        return _unary(fallback, input)
    return Tensor._from_values(libm.vectorized(x, vector_fn, scalar_fn), x._shape, x.dtype)


def _check_tensor(name, value, position="other"):
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{position}' (position 2) must be Tensor, not {type(value).__name__}")


def _check_floating(name, *values):
    for value in values:
        if isinstance(value, Tensor) and not value.dtype.is_floating_point:
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_type_word(value.dtype)}\'')


def _type_word(dtype):
    words = {"float32": "Float", "float64": "Double", "int64": "Long", "bool": "Bool"}
    return getattr(dtype, "word", None) or words[dtype.name]


# ---- trigonometric ----------------------------------------------------------------------------------------------
@op(in_place=True, out=True)
def sin(input):
    out = _unary(_ieee(math.sin), input)
    return record("SinBackward0", out, (input,), lambda grad: (mul(grad, cos(input)),), saved=(input,))


@op(in_place=True, out=True)
def cos(input):
    out = _unary(_ieee(math.cos), input)
    return record("CosBackward0", out, (input,), lambda grad: (mul(grad, neg(sin(input))),), saved=(input,))


@op(in_place=True, out=True)
def tan(input):
    out = _unary(_ieee(math.tan), input)
    return record("TanBackward0", out, (input,), lambda grad: (mul(grad, add(pow(out, 2), 1)),), saved=(out,))


@op(in_place=True, out=True, aliases=("arcsin",))
def asin(input):
    out = _unary(_ieee(math.asin), input)
    return record(
        "AsinBackward0", out, (input,), lambda grad: (mul(grad, rsqrt(add(mul(neg(input), input), 1))),), saved=(input,)
    )


@op(in_place=True, out=True, aliases=("arccos",))
def acos(input):
    out = _unary(_ieee(math.acos), input)
    return record(
        "AcosBackward0",
        out,
        (input,),
        lambda grad: (mul(grad, neg(rsqrt(add(mul(neg(input), input), 1)))),),
        saved=(input,),
    )


@op(in_place=True, out=True, aliases=("arctan",))
def atan(input):
    out = _unary(math.atan, input)
    return record("AtanBackward0", out, (input,), lambda grad: (div(grad, add(mul(input, input), 1)),), saved=(input,))


@op(in_place=True, out=True, aliases=("arctan2",))
def atan2(input, other):
    _check_tensor("atan2", other)
    dtype = _float_dtype(input, other)
    out = elementwise(math.atan2, _floating(input), _floating(other), dtype=dtype)

    def backward(grad):  # FunctionsManual.cpp atan2_backward
        recip = pointwise.reciprocal(add(mul(input, input), mul(other, other)))
        return grad_for(input, mul(mul(grad, other), recip)), grad_for(other, mul(mul(grad, neg(input)), recip))

    return record("Atan2Backward0", out, (input, other), backward, saved=(input, other))


@op(in_place=True, out=True)
def deg2rad(input):
    # ATen multiplies by M_PI / 180 rounded to the tensor's dtype
    out = elementwise(lambda x, c: x * c, _floating(input), _pi / 180, dtype=_float_dtype(input))
    return record("Deg2RadBackward0", out, (input,), lambda grad: (mul(grad, _pi / 180),))


@op(in_place=True, out=True)
def rad2deg(input):
    out = elementwise(lambda x, c: x * c, _floating(input), 180 / _pi, dtype=_float_dtype(input))
    return record("Rad2DegBackward0", out, (input,), lambda grad: (mul(grad, 180 / _pi),))


# ---- hyperbolic -------------------------------------------------------------------------------------------------
@op(in_place=True, out=True)
def sinh(input):
    out = _unary(_ieee(math.sinh, overflow=_signed_inf), input)
    return record("SinhBackward0", out, (input,), lambda grad: (mul(grad, cosh(input)),), saved=(input,))


@op(in_place=True, out=True)
def cosh(input):
    out = _unary(_ieee(math.cosh), input)
    return record("CoshBackward0", out, (input,), lambda grad: (mul(grad, sinh(input)),), saved=(input,))


# Not bit for bit: ATen runs SLEEF's vector code on blocks of each row and glibc's scalar asinhf/acoshf on the
# rest, each within 1-2 ULPs of the exact value; the runtime rounds Python's double result instead (within 2 ULPs
# of PyTorch, tests/runtime/test_math_ops.py). atanh emulates glibc's scalar code (libm.glibc_atanhf) and rounds
# the double result in SLEEF's blocks only (within 1 ULP there). Emulating SLEEF's, as libm.py does for tanh, is
# still to do.
@op(in_place=True, out=True, aliases=("arcsinh",))
def asinh(input):
    out = _unary(math.asinh, input)
    return record(
        "AsinhBackward0", out, (input,), lambda grad: (mul(grad, rsqrt(add(pow(input, 2), 1))),), saved=(input,)
    )


@op(in_place=True, out=True, aliases=("arccosh",))
def acosh(input):
    out = _unary(_ieee(math.acosh), input)
    return record(
        "AcoshBackward0", out, (input,), lambda grad: (mul(grad, rsqrt(sub(mul(input, input), 1))),), saved=(input,)
    )


@op(in_place=True, out=True, aliases=("arctanh",))
def atanh(input):
    rounded = _ieee(math.atanh, domain=lambda x: _signed_inf(x) if builtins.abs(x) == 1 else _nan)
    out = _float32_map(input, lambda x: _f32(rounded(x)), libm.glibc_atanhf, rounded)
    return record(
        "AtanhBackward0", out, (input,), lambda grad: (div(mul(grad, 1), rsub(pow(input, 2), 1)),), saved=(input,)
    )


# ---- exponential and logarithmic --------------------------------------------------------------------------------
@op(in_place=True, out=True)
def exp2(input):
    out = _float32_map(input, libm.sleef_exp2, libm.libm_exp2, _ieee(lambda x: math.pow(2.0, x)))
    return record("Exp2Backward0", out, (input,), lambda grad: (mul(mul(grad, out), math.log(2)),), saved=(out,))


@op(in_place=True, out=True)
def expm1(input):
    out = _float32_map(input, libm.sleef_expm1, libm.sleef_expm1, _ieee(math.expm1))  # SLEEF on every element
    return record("Expm1Backward0", out, (input,), lambda grad: (mul(grad, add(out, 1)),), saved=(out,))


def _log_of(fn, pole):
    """A logarithm with IEEE results: -inf at the pole, nan below it."""
    return _ieee(fn, domain=lambda x: -_inf if x == pole else _nan)


@op(in_place=True, out=True)
def log2(input):
    out = _unary(_log_of(math.log2, 0), input)
    return record(
        "Log2Backward0", out, (input,), lambda grad: (div(grad, mul(input, 0.6931471805599453)),), saved=(input,)
    )


@op(in_place=True, out=True)
def log10(input):
    out = _unary(_log_of(math.log10, 0), input)
    return record(
        "Log10Backward0", out, (input,), lambda grad: (div(grad, mul(input, 2.3025850929940456)),), saved=(input,)
    )


@op(in_place=True, out=True)
def log1p(input):
    out = _float32_map(input, libm.sleef_log1p, libm.sleef_log1p, _log_of(math.log1p, -1))  # SLEEF throughout
    return record("Log1PBackward0", out, (input,), lambda grad: (div(grad, add(input, 1)),), saved=(input,))


@op(in_place=True, out=True)
def logit(input, eps=None):
    """log(x / (1 - x)) after clamping x to [eps, 1 - eps]; x / (1 - x) in float32 steps as ATen's kernel."""
    dtype = _float_dtype(input)
    rounded = _f32 if dtype is _dtype.float32 else float
    lo = hi = None
    if eps is not None and eps >= 0:
        lo = rounded(eps)
        hi = rounded(1 - lo)

    def kernel(x):
        if lo is not None:
            x = lo if x < lo else hi if x > hi else x
        if x == 1:
            return _inf
        ratio = rounded(_pointwise_divide(x, rounded(1 - x)))
        return _log_of(math.log, 0)(ratio)

    out = _unary(kernel, input)

    def backward(grad):  # logit_backward kernel: dy / (x * (1 - x)), 0 (or nan without eps) outside the range
        inner = div(grad, mul(input, rsub(input, 1)))
        if lo is None:
            return (where(pointwise.logical_or(pointwise.lt(input, 0), pointwise.gt(input, 1)), _nan, inner),)
        return (where(pointwise.logical_or(pointwise.lt(input, lo), pointwise.gt(input, hi)), 0.0, inner),)

    return record("LogitBackward0", out, (input,), backward, saved=(input,))


def _pointwise_divide(x, y):
    return pointwise._divide(x, y)


@op(in_place=True, out=True)
def xlogy(input, other):
    """x * log(y), 0 where x == 0 (unless y is nan): log rounded to float32, then the product, as ATen's kernel."""
    if not isinstance(input, Tensor):  # xlogy(number, tensor)
        dtype = _float_dtype(other)
        out = elementwise(_xlogy(dtype), input, _floating(other), dtype=dtype)
        return record("XlogyBackward1", out, (other,), lambda grad: (div(mul(grad, input), other),), saved=(other,))
    dtype = _float_dtype(input, other)
    out = elementwise(
        _xlogy(dtype), _floating(input), _floating(other) if isinstance(other, Tensor) else other, dtype=dtype
    )
    if not isinstance(other, Tensor):

        def backward(grad):
            g = xlogy(grad, other)
            return (g if other > 0 else pointwise.masked_fill(g, pointwise.eq(input, 0.0), 0.0),)

        return record("XlogyBackward2", out, (input,), backward, saved=(input,))

    def backward(grad):
        g = pointwise.masked_fill(
            xlogy(grad, other), pointwise.logical_and(pointwise.eq(input, 0.0), pointwise.le(other, 0.0)), 0.0
        )
        return grad_for(input, g), grad_for(other, div(mul(grad, input), other))

    return record("XlogyBackward0", out, (input, other), backward, saved=(input, other))


def _xlogy(dtype):
    rounded = _f32 if dtype is _dtype.float32 else float
    log_of = _log_of(math.log, 0)

    def kernel(x, y):
        if y != y:
            return _nan
        if x == 0:
            return 0.0
        return x * rounded(log_of(y))

    return kernel


@op(out=True)
def logaddexp(input, other):
    """max(a, b) + log1p(exp(-|a - b|)), each step rounded to float32 as ATen's kernel does it."""
    _check_tensor("logaddexp", other)
    _check_floating("logaddexp", input, other)
    dtype = _dtype.result_type(input, other)
    rounded = _f32 if dtype is _dtype.float32 else float
    exp, log1p_ = _ieee(math.exp), _log_of(math.log1p, -1)

    def kernel(a, b):
        if a == b and builtins.abs(a) == _inf:
            return a
        if a != a or b != b:
            return _nan
        m = a if a > b else b
        return m + rounded(log1p_(rounded(exp(-builtins.abs(rounded(a - b))))))

    out = elementwise(kernel, input, other, dtype=dtype)
    return record(
        "LogaddexpBackward0",
        out,
        (input, other),
        lambda grad: (
            grad_for(input, div(grad, add(pointwise.exp(sub(other, input)), 1))),
            grad_for(other, div(grad, add(pointwise.exp(sub(input, other)), 1))),
        ),
        saved=(input, other),
    )


def _double(value):
    if isinstance(value, Tensor):
        return value if value.dtype is _dtype.float64 else to_dtype(value, _dtype.float64)
    return float(value)


@op
def float_power(input, exponent, *, out=None):
    """pow computed in float64: PyTorch's float_power casts its operands to double first (ToCopyBackward0)."""
    result = pow(_double(input), _double(exponent))
    if out is None:
        return result
    if out.dtype is not _dtype.float64:
        raise RuntimeError(
            f"the output given to float_power has dtype {_type_word(out.dtype)} but the operation's "
            "result requires dtype Double"
        )
    return pointwise.write_out(out, result, "float_power")


@method
def float_power_(self, exponent):
    if self.dtype is not _dtype.float64:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {_type_word(self.dtype)} but the operation's "
            "result requires dtype Double"
        )
    return pointwise.in_place(float_power)(self, exponent)


# ---- rounding ---------------------------------------------------------------------------------------------------
def _rounding(fn):
    """fn on floats, with C's results: infinities and nan unchanged, and a zero result keeping the input's sign
    (floor(-0.0) and ceil(-0.5) are -0.0)."""

    def kernel(x):
        if x != x or x in (_inf, -_inf):
            return x
        r = float(fn(x))
        return math.copysign(r, x) if r == 0 else r

    return kernel


def _integral_op(name, fn, node, input):
    if not input.dtype.is_floating_point:  # integers are already whole: a copy
        return Tensor._from_values(input._values(), input._shape, input.dtype)
    out = elementwise(_rounding(fn), input)
    return record(node, out, (input,), lambda grad: (zeros_of(grad._shape, grad.dtype),))


@op(in_place=True, out=True)
def floor(input):
    return _integral_op("floor", math.floor, "FloorBackward0", input)


@op(in_place=True, out=True)
def ceil(input):
    return _integral_op("ceil", math.ceil, "CeilBackward0", input)


@op(in_place=True, out=True, aliases=("fix",))
def trunc(input):
    return _integral_op("trunc", math.trunc, "TruncBackward0", input)


@op(in_place=True, out=True)
def round(input, *, decimals=0):
    """Half to even (std::nearbyint); with decimals, ATen's float32 steps: nearbyint(x * 10^d) / 10^d, or
    nearbyint(x / 10^-d) * 10^-d for negative d."""
    if not decimals:
        return _integral_op("round", builtins.round, "RoundBackward0", input)
    _check_floating("round", input)
    rounded = _f32 if input.dtype is _dtype.float32 else float
    nearest = _rounding(builtins.round)
    if decimals > 0:
        scale = rounded(10.0**decimals)
        out = elementwise(lambda x: _pointwise_divide(nearest(rounded(x * scale)), scale), input)
    else:
        scale = rounded(10.0**-decimals)
        out = elementwise(lambda x: nearest(rounded(_pointwise_divide(x, scale))) * scale, input)
    return record("RoundBackward1", out, (input,), lambda grad: (zeros_of(grad._shape, grad.dtype),))


@op(in_place=True, out=True)
def frac(input):
    _check_floating("frac", input)
    trunc_ = _rounding(math.trunc)
    out = elementwise(lambda x: x - trunc_(x), input)
    return record("FracBackward0", out, (input,), lambda grad: (grad,))


@op(in_place=True, out=True)
def fmod(input, other):
    """C's fmod: the remainder with the sign of the dividend (exact for floats, as in ATen)."""
    dtype = _dtype.result_type(input, other)

    def kernel(x, y):
        if dtype.is_floating_point:
            try:
                return math.fmod(x, y)
            except ValueError:  # x infinite or y zero
                return _nan
        if y == 0:
            raise RuntimeError("ZeroDivisionError")
        r = builtins.abs(x) % builtins.abs(y)
        return -r if x < 0 else r

    out = elementwise(kernel, _operand(input, dtype), _operand(other, dtype), dtype=dtype)
    if not isinstance(other, Tensor):
        return record("FmodBackward0", out, (input,), lambda grad: (grad,))
    return record(
        "FmodBackward1",
        out,
        (input, other),
        lambda grad: (grad_for(input, grad), grad_for(other, mul(neg(grad), div(input, other, rounding_mode="trunc")))),
        saved=(input, other),
    )


# ---- error and gamma functions ----------------------------------------------------------------------------------
@op(in_place=True, out=True)
def erf(input):
    out = _unary(math.erf, input)
    return record(
        "ErfBackward0",
        out,
        (input,),
        lambda grad: (mul(mul(pointwise.exp(neg(pow(input, 2))), 2.0 / math.sqrt(_pi)), grad),),
        saved=(input,),
    )


@op(in_place=True, out=True)
def erfc(input):
    out = _unary(math.erfc, input)
    return record(
        "ErfcBackward0",
        out,
        (input,),
        lambda grad: (mul(mul(pointwise.exp(neg(pow(input, 2))), -2.0 / math.sqrt(_pi)), grad),),
        saved=(input,),
    )


_ERFINV_A = (0.886226899, -1.645349621, 0.914624893, -0.140543331)
_ERFINV_B = (-2.118377725, 1.442710462, -0.329097515, 0.012229801)
_ERFINV_C = (-1.970840454, -1.624906493, 3.429567803, 1.641345311)
_ERFINV_D = (3.543889200, 1.637067800)


def _erfinv():
    """calc_erfinv (ATen native/Math.h) in double: a rational first guess and two Newton steps. PyTorch's float32
    erfinv is within 1 ULP of the correctly rounded value (0.02% differ), which this rounds to."""
    r = float
    a, b, c, d = ([r(v) for v in coefficients] for coefficients in (_ERFINV_A, _ERFINV_B, _ERFINV_C, _ERFINV_D))
    two_over_sqrt_pi = r(2.0 * r(1 / math.sqrt(_pi)))
    exp = _ieee(math.exp)

    def kernel(y):
        y_abs = builtins.abs(y)
        if y_abs > 1:
            return _nan
        if y_abs == 1:
            return math.copysign(_inf, y)
        if y != y:
            return y
        if y_abs <= 0.7:
            z = r(y * y)
            num = r(r(r(r(r(r(a[3] * z) + a[2]) * z) + a[1]) * z) + a[0])
            dem = r(r(r(r(r(r(r(r(b[3] * z) + b[2]) * z) + b[1]) * z) + b[0]) * z) + 1)
            x = r(r(y * num) / dem)
        else:
            z = r(math.sqrt(-r(math.log(r(r(1 - y_abs) / 2)))))
            num = r(r(r(r(r(r(c[3] * z) + c[2]) * z) + c[1]) * z) + c[0])
            dem = r(r(r(r(d[1] * z) + d[0]) * z) + 1)
            x = r(math.copysign(num, y) / dem)
        for _ in range(2):
            x = r(x - r(r(r(math.erf(x)) - y) / r(two_over_sqrt_pi * r(exp(r(-x * x))))))
        return x

    return kernel


@op(in_place=True, out=True)
def erfinv(input):
    out = _unary(_erfinv(), input)
    return record(
        "ErfinvBackward0",
        out,
        (input,),
        lambda grad: (mul(mul(pointwise.exp(pow(erfinv(input), 2)), 0.5 * math.sqrt(_pi)), grad),),
        saved=(input,),
    )


def _lgamma(x):
    if x == _inf or x == -_inf:
        return _inf
    try:
        return math.lgamma(x)
    except (ValueError, OverflowError):  # poles at 0 and the negative integers
        return _inf


@op(in_place=True, out=True)
def lgamma(input):
    out = _unary(_lgamma, input)
    return record("LgammaBackward0", out, (input,), lambda grad: (mul(grad, digamma(input)),), saved=(input,))


_PSI_10 = _f32(2.25175258906672110764)
_DIGAMMA_A = tuple(
    _f32(v)
    for v in (
        8.33333333333333333333e-2,
        -2.10927960927960927961e-2,
        7.57575757575757575758e-3,
        -4.16666666666666666667e-3,
        3.96825396825396825397e-3,
        -8.33333333333333333333e-3,
        8.33333333333333333333e-2,
    )
)


def _digamma_f32(x):
    """calc_digamma(float) of ATen's native/Math.h, step by step in float32."""
    if x == 0:
        return math.copysign(_inf, -x)
    if x != x:
        return x
    if x < 0:
        if x == -_inf or x == math.trunc(x):
            return _nan
        r = math.modf(x)[0]
        return _f32(_digamma_f32(_f32(1 - x)) - _f32(_pi / math.tan(_pi * r)))
    result = 0.0
    while x < 10:
        result = _f32(result - _f32(1 / x))
        x = _f32(x + 1)
    if x == 10:
        return _f32(result + _PSI_10)
    y = 0.0
    if x < 1.0e17:
        z = _f32(1 / _f32(x * x))
        poly = 0.0
        for coefficient in _DIGAMMA_A:
            poly = _f32(_f32(poly * z) + coefficient)
        y = _f32(z * poly)
    return _f32(_f32(_f32(result + _f32(math.log(x))) - _f32(0.5 / x)) - y)


def _digamma_f64(x):
    """calc_digamma(double), the same algorithm in double."""
    if x == 0:
        return math.copysign(_inf, -x)
    if x != x:
        return x
    if x < 0:
        if x == -_inf or x == math.trunc(x):
            return _nan
        r = math.modf(x)[0]
        return _digamma_f64(1 - x) - _pi / math.tan(_pi * r)
    result = 0.0
    while x < 10:
        result -= 1 / x
        x += 1
    if x == 10:
        return result + 2.25175258906672110764
    coefficients = (
        8.33333333333333333333e-2,
        -2.10927960927960927961e-2,
        7.57575757575757575758e-3,
        -4.16666666666666666667e-3,
        3.96825396825396825397e-3,
        -8.33333333333333333333e-3,
        8.33333333333333333333e-2,
    )
    y = 0.0
    if x < 1.0e17:
        z = 1 / (x * x)
        poly = 0.0
        for coefficient in coefficients:
            poly = poly * z + coefficient
        y = z * poly
    return result + (math.log(x) if x != _inf else _inf) - 0.5 / x - y


def _trigamma_f32(x):
    """trigamma(float) of ATen's native/Math.h (polygamma(1, x)), step by step in float32."""
    sign, result = 1.0, 0.0
    if x < 0.5:
        sign = -1.0
        sin_pi_x = _f32(_ieee(math.sin)(_f32(_f32(_pi) * x)))
        result = _f32(result - _pointwise_divide(_f32(_f32(_pi) * _f32(_pi)), _f32(sin_pi_x * sin_pi_x)))
        x = _f32(1 - x)
    for _ in range(6):
        result = _f32(result + _f32(_pointwise_divide(1.0, _f32(x * x))))
        x = _f32(x + 1)
    ixx = _f32(_pointwise_divide(1.0, _f32(x * x)))
    series = _f32(
        _f32(1 + _f32(_pointwise_divide(1.0, _f32(2 * x))))
        + _f32(ixx * _f32(_f32(1 / 6) - _f32(ixx * _f32(_f32(1 / 30) - _f32(ixx * _f32(1 / 42))))))
    )
    result = _f32(result + _f32(_pointwise_divide(series, x)))
    return sign * result


def _trigamma_f64(x):
    sign, result = 1.0, 0.0
    if x < 0.5:
        sign = -1.0
        sin_pi_x = _ieee(math.sin)(_pi * x)
        result -= _pointwise_divide(_pi * _pi, sin_pi_x * sin_pi_x)
        x = 1 - x
    for _ in range(6):
        result += _pointwise_divide(1.0, x * x)
        x += 1
    ixx = _pointwise_divide(1.0, x * x)
    result += (1 + _pointwise_divide(1.0, 2 * x) + ixx * (1.0 / 6 - ixx * (1.0 / 30 - ixx * (1.0 / 42)))) / x
    return sign * result


@op(in_place=True, out=True)
def digamma(input):
    dtype = _float_dtype(input)
    out = _unary(_digamma_f32 if dtype is _dtype.float32 else _digamma_f64, input)
    return record("DigammaBackward0", out, (input,), lambda grad: (mul(grad, _trigamma(input)),), saved=(input,))


def _trigamma(input):
    """polygamma(1, input), which digamma's backward multiplies by (no gradient of its own here)."""
    dtype = _float_dtype(input)
    return _unary(_trigamma_f32 if dtype is _dtype.float32 else _trigamma_f64, input)


# ---- signs, magnitudes and limits -------------------------------------------------------------------------------
@op(in_place=True, out=True)
def sgn(input):
    out = elementwise(lambda x: (x > 0) - (x < 0), input)
    return record("SgnBackward0", out, (input,), lambda grad: (zeros_of(grad._shape, grad.dtype),))


@op(in_place=True, out=True)
def copysign(input, other):
    dtype = _float_dtype(input, other)
    out = elementwise(
        lambda x, y: math.copysign(x, y),
        _floating(input),
        _floating(other) if isinstance(other, Tensor) else other,
        dtype=dtype,
    )

    def self_backward(grad):  # copysign_tensor_self_backward
        ratio = pointwise.masked_fill(div(out, input), pointwise.eq(input, 0), 0)
        return grad_for(input, mul(grad, ratio))

    if not isinstance(other, Tensor):
        return record("CopysignBackward1", out, (input,), lambda grad: (self_backward(grad),), saved=(input, out))
    return record(
        "CopysignBackward0",
        out,
        (input, other),
        lambda grad: (self_backward(grad), grad_for(other, zeros_of(other._shape, other.dtype))),
        saved=(input, out),
    )


@op(in_place=True, out=True)
def hypot(input, other):
    _check_tensor("hypot", other)
    _check_floating("hypot", input, other)
    out = elementwise(math.hypot, input, other)
    return record(
        "HypotBackward0",
        out,
        (input, other),
        lambda grad: (grad_for(input, div(mul(grad, input), out)), grad_for(other, div(mul(grad, other), out))),
        saved=(input, other, out),
    )


@op(in_place=True, out=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    if not input.dtype.is_floating_point:
        return Tensor._from_values(input._values(), input._shape, input.dtype)
    largest = 3.4028234663852886e38 if input.dtype is _dtype.float32 else 1.7976931348623157e308
    nan = 0.0 if nan is None else nan
    posinf = largest if posinf is None else posinf
    neginf = -largest if neginf is None else neginf
    out = elementwise(lambda x: nan if x != x else posinf if x == _inf else neginf if x == -_inf else x, input)
    return record(
        "NanToNumBackward0", out, (input,), lambda grad: (mul(grad, pointwise.isfinite(input)),), saved=(input,)
    )


def _bound(x, m, lower):
    """maximum(x, m) (lower bound) or minimum(x, m): nan if either is nan."""
    if x != x or m != m:
        return _nan
    return (m if x < m else x) if lower else (m if x > m else x)


@op(in_place=True, out=True)
def clamp_min(input, min):
    if isinstance(min, Tensor):
        out = elementwise(lambda x, m: _bound(x, m, True), input, min)
        return record(
            "ClampMinBackward1",
            out,
            (input, min),
            lambda grad: (
                grad_for(input, where(pointwise.ge(input, min), grad, 0.0)),
                grad_for(min, where(pointwise.lt(input, min), grad, 0.0)),
            ),
            saved=(input, min),
        )
    out = pointwise.clamp(_detached(input), min=min)
    return record(
        "ClampMinBackward0", out, (input,), lambda grad: (where(pointwise.ge(input, min), grad, 0.0),), saved=(input,)
    )


@op(in_place=True, out=True)
def clamp_max(input, max):
    if isinstance(max, Tensor):
        out = elementwise(lambda x, m: _bound(x, m, False), input, max)
        return record(
            "ClampMaxBackward1",
            out,
            (input, max),
            lambda grad: (
                grad_for(input, where(pointwise.le(input, max), grad, 0.0)),
                grad_for(max, where(pointwise.gt(input, max), grad, 0.0)),
            ),
            saved=(input, max),
        )
    out = pointwise.clamp(_detached(input), max=max)
    return record(
        "ClampMaxBackward0", out, (input,), lambda grad: (where(pointwise.le(input, max), grad, 0.0),), saved=(input,)
    )
