"""Activation functions (torch.nn.functional's elu, gelu, silu, softplus, hardtanh, ...), with ATen's float32 steps.

ATen's CPU activation kernels run a vectorized body over blocks of 2 x 8 floats (AVX2 Vectorized<float>; these
kernels are registered without an AVX512 version) and a scalar body over the remaining tail. The vectorized body's
exp comes from SLEEF (expf8_u10) and the scalar tail's from glibc (expf), both emulated below bit for bit.
"""

import math
from decimal import Decimal, localcontext

from .._kernels.reference import f32, fma32

_inf, _nan = float("inf"), float("nan")
VECTOR = 8  # floats per Vectorized<float> in the kernels used here (AVX2 width)


# ---- SLEEF's float32 exp (sleefsimdsp.c xexpf, FMA build), as Vectorized<float>::exp computes it -------------
_R_LN2F = f32(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2UF, _L2LF = f32(0.693145751953125), f32(1.428606765330187045e-06)
_EXP_POLY = tuple(
    f32(c)
    for c in (
        0.00139304355252534151077271,
        0.00833336077630519866943359,
        0.0416664853692054748535156,
        0.166666671633720397949219,
        0.5,
    )
)
_EXP_POLY0 = f32(0.000198527617612853646278381)


def sleef_exp(d):
    if d != d:
        return d
    if d < -104:
        return 0.0
    if d > 100:
        return _inf
    q = round(f32(d * _R_LN2F))  # vrint: to nearest, ties to even
    s = fma32(q, -_L2UF, d)
    s = fma32(q, -_L2LF, s)
    u = _EXP_POLY0
    for c in _EXP_POLY:
        u = fma32(u, s, c)
    u = f32(1.0 + fma32(f32(s * s), u, s))
    half = q >> 1  # vldexp2: two exact scalings by powers of two
    return f32(f32(u * 2.0**half) * 2.0 ** (q - half))


# ---- SLEEF's float32 log (xlogf_u1, AVX512/FMA build), as Vectorized<float>::log computes it ------------------
# log(m * 2^e) with m in [0.75, 1.5): 2 atanh((m - 1) / (m + 1)) + e ln 2, carried in float pairs (SLEEF's
# "double-float" arithmetic: a rounded float and its rounding error).
_LN2_HI, _LN2_LO = f32(0.69314718246459960938), f32(-1.904654323148236017e-09)
_LOG_POLY = tuple(f32(c) for c in (0.3027294874, 0.3996108174, 0.6666694880))
_FOUR_THIRDS = f32(1 / 0.75)


def _two_sum32(x, y):
    s = f32(x + y)
    v = f32(s - x)
    return s, f32(f32(x - f32(s - v)) + f32(y - v))


def sleef_log(d):
    if d != d or d < 0:
        return _nan
    if d == 0:
        return -_inf
    if d == _inf:
        return d
    scaled = f32(d * _FOUR_THIRDS)
    e = 128 if scaled == _inf else math.frexp(scaled)[1] - 1  # vgetexp(d / 0.75): 128 where that overflows
    m = d / 2.0**e  # vgetmant: exact
    num, num_err = _two_sum32(-1.0, m)
    den, den_err = _two_sum32(1.0, m)
    t = f32(1.0 / den)  # double-float division num / den
    x = f32(num * t)
    x_err = fma32(x, fma32(-den_err, t, fma32(-den, t, 1.0)), fma32(num_err, t, fma32(t, num, -x)))
    x2 = f32(x * x)
    poly = fma32(fma32(_LOG_POLY[0], x2, _LOG_POLY[1]), x2, _LOG_POLY[2])
    s = f32(_LN2_HI * e)
    s_err = fma32(_LN2_LO, e, fma32(_LN2_HI, e, -s))
    twice, twice_err = f32(2 * x), f32(2 * x_err)
    total = f32(s + twice)
    total_err = f32(f32(f32(f32(s - total) + twice) + s_err) + twice_err)
    tail = f32(f32(x2 * x) * poly)
    result = f32(total + tail)
    return f32(result + f32(f32(f32(total - result) + tail) + total_err))


# ---- glibc's expf (sysdeps/ieee754/flt-32/e_expf.c), which std::exp on a float calls in ATen's scalar code ---
# It works in doubles: 2^(k/32) from a table times a cubic in r, rounded to float once at the end. Its result is
# within 0.502 ULP, so it is not always the correctly rounded float that f32(math.exp(x)) would give.
_EXPF_N = 32
with localcontext() as _context:
    _context.prec = 40
    _EXPF_TABLE = tuple(float(Decimal(2) ** (Decimal(i) / _EXPF_N)) for i in range(_EXPF_N))
_EXPF_INV_LN2_N = float.fromhex("0x1.71547652b82fep+0") * _EXPF_N
_EXPF_C0, _EXPF_C1, _EXPF_C2 = (
    float.fromhex("0x1.c6af84b912394p-5") / _EXPF_N**3,
    float.fromhex("0x1.ebfce50fac4f3p-3") / _EXPF_N**2,
    float.fromhex("0x1.62e42ff0c52d6p-1") / _EXPF_N,
)
_EXPF_MAX, _EXPF_MIN = float.fromhex("0x1.62e42ep6"), float.fromhex("-0x1.9fe368p6")


def libm_exp(x):
    if x != x:
        return x
    if x > _EXPF_MAX:
        return _inf
    if x < _EXPF_MIN:
        return 0.0
    z = _EXPF_INV_LN2_N * x
    kd = float(round(z))  # ties to even, as the shift trick rounds
    k = int(kd)
    r = z - kd
    y = (_EXPF_C0 * r + _EXPF_C1) * (r * r) + (_EXPF_C2 * r + 1.0)
    return f32(y * math.ldexp(_EXPF_TABLE[k % _EXPF_N], k // _EXPF_N))


def libm_log(x):
    """std::log on a float: glibc's logf is within 0.52 ULP; the correctly rounded float stands in for it."""
    if x > 0:
        return f32(math.log(x))
    return -_inf if x == 0 else _nan


# ---- the activations ------------------------------------------------------------------------------------------
# Each is ATen's scalar formula in float32 steps. Those built on exp/erf/tanh/log1p (elu, selu, celu, gelu, silu,
# mish, softplus) use Python's correctly rounded functions where ATen's vector code uses SLEEF: within 1-2 ULP of
# PyTorch, not always equal (tested so). Gradients are computed the same way (no double backward through them).
from .. import _dtype  # noqa: E402
from .._tensor import Tensor  # noqa: E402
from ..autograd.graph import record  # noqa: E402
from . import pointwise  # noqa: E402
from .registry import op  # noqa: E402
from .._unsupported import unsupported  # noqa: E402


def _unary(name, input, forward, backward, in_place=False, result_backward=None, values=None):
    """An elementwise activation: forward(x) per element (or the row-major `values` given); backward(x, y, g) gives
    each input gradient (in place, PyTorch's "...Backward1" nodes compute it from the result y alone:
    result_backward, when that differs)."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{name}" not implemented for \'{input.dtype.name}\'')
    xs = list(input.contiguous()._values())  # a copy: in place, the input's storage is overwritten below
    values = [forward(x) for x in xs] if values is None else values
    if in_place and name in _RESULT_NODES:
        name = name[:-1] + "1"
        backward = result_backward or backward
    out = Tensor._from_values(values, input._shape, input.dtype)

    def grad_fn(grad):
        gs = grad.contiguous()._values()
        return (Tensor._from_values([backward(x, y, g) for x, y, g in zip(xs, values, gs)], input._shape, input.dtype),)

    # in place, the input is overwritten: its values are kept in xs above, not saved for a version check
    record(name, out, (input,), grad_fn, saved=() if in_place else (input,))
    return pointwise._write_result(input, out) if in_place else out


# The in-place forms whose PyTorch node is the "...Backward1" that reads the result rather than the input
_RESULT_NODES = {"EluBackward0", "CeluBackward0", "LeakyReluBackward0", "ThresholdBackward0", "RreluWithNoiseBackward0"}


def _check_in_place(input, inplace):
    if inplace:
        pointwise._check_in_place(input)
    return inplace


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    low, high = f32(min_val), f32(max_val)
    return _unary(
        "HardtanhBackward0",
        input,
        lambda x: x if x != x else low if x < low else high if x > high else x,
        lambda x, y, g: 0.0 if x <= low or x >= high else g,
        _check_in_place(input, inplace),
    )


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False, name="LeakyReluBackward0"):
    slope = f32(negative_slope)
    return _unary(
        name,
        input,
        lambda x: x if x > 0 else f32(x * slope),
        lambda x, y, g: g if x > 0 else f32(g * slope),
        _check_in_place(input, inplace),
    )


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Out of training, ATen's rrelu_with_noise is leaky_relu with the mean slope (lower + upper) / 2."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if training:
        raise unsupported("torch.nn.functional.rrelu(training=True) (random slopes)")
    return leaky_relu(input, (lower + upper) / 2, inplace, name="RreluWithNoiseBackward0")


def logsigmoid(input):
    """ATen's log_sigmoid kernel: min(x, 0) - log1p(exp(-|x|)), in float32 steps. Its vector code's SLEEF
    exp/log1p are stood in for by glibc's expf (emulated) and a correctly rounded log1p: within an ULP or two."""

    def forward(x):
        return f32(min(x, 0.0) - f32(math.log1p(libm_exp(-abs(x)))))

    def backward(x, y, g):  # (max_deriv - sign * z / (1 + z)) * grad
        z = libm_exp(-abs(x))
        negative = x < 0
        return f32(f32((1.0 if negative else 0.0) - (1.0 if negative else -1.0) * f32(z / f32(1 + z))) * g)

    return _unary("LogSigmoidBackward0", input, forward, backward)


def _elu(input, alpha, scale, input_scale, inplace, name="EluBackward0"):
    negcoef, poscoef, negiptcoef = f32(f32(alpha) * f32(scale)), f32(scale), f32(input_scale)

    def forward(x):  # ATen: x <= 0 ? expm1(x * input_scale) * alpha * scale : x * scale
        return f32(f32(math.expm1(f32(x * negiptcoef))) * negcoef) if x <= 0 else f32(x * poscoef)

    def backward(x, y, g):
        if x <= 0:
            return f32(f32(f32(g * negiptcoef) * negcoef) * libm_exp(f32(x * negiptcoef)))
        return f32(g * poscoef)

    def result_backward(x, y, g):  # ATen's elu_backward with is_result: grad * negiptcoef * (result + negcoef)
        return f32(f32(g * negiptcoef) * f32(y + negcoef)) if y <= 0 else f32(g * poscoef)

    return _unary(name, input, forward, backward, _check_in_place(input, inplace), result_backward)


def elu(input, alpha=1.0, inplace=False):
    return _elu(input, alpha, 1.0, 1.0, inplace)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input, inplace=False):
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, 1.0, inplace)


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _elu(input, alpha, 1.0, 1.0 / alpha, inplace, "CeluBackward0")


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    if approximate == "tanh":
        beta, kappa = f32(math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5), f32(0.044715)

        def forward(x):
            inner = f32(beta * f32(x + f32(kappa * f32(f32(x * x) * x))))
            return f32(f32(0.5 * x) * f32(1 + f32(math.tanh(inner))))

        def backward(x, y, g):
            x_sq = f32(x * x)
            inner = f32(beta * f32(x + f32(kappa * f32(x_sq * x))))
            tanh_inner = f32(math.tanh(inner))
            left = f32(0.5 * x)
            right = f32(1 + tanh_inner)
            left_derivative = f32(0.5 * right)
            right_derivative = f32(
                f32(left * f32(1 - f32(tanh_inner * tanh_inner))) * f32(beta * f32(1 + f32(f32(3 * kappa) * x_sq)))
            )
            return f32(g * f32(left_derivative + right_derivative))

        if input.dtype is _dtype.float32:  # SLEEF's and glibc's tanhf as ATen's loop assigns them (libm.gelu_tanh)
            from . import libm

            return _unary("GeluBackward0", input, forward, backward, values=libm.gelu_tanh(input))
    else:
        alpha, beta = f32(math.sqrt(0.5)), f32(2 / math.sqrt(math.pi) * math.sqrt(0.5) * 0.5)

        def forward(x):  # x * 0.5 * (1 + erf(x / sqrt(2)))
            return f32(f32(x * 0.5) * f32(1 + f32(math.erf(f32(x * alpha)))))

        def backward(x, y, g):
            cdf = f32(0.5 * f32(1 + f32(math.erf(f32(x * alpha)))))
            pdf = f32(beta * libm_exp(f32(f32(-0.5 * x) * x)))
            return f32(g * f32(cdf + f32(x * pdf)))

        if input.dtype is _dtype.float32:  # oneDNN's or ATen's vector code, not std::erf (libm.gelu_erf)
            from . import libm

            return _unary("GeluBackward0", input, forward, backward, values=libm.gelu_erf(input))

    return _unary("GeluBackward0", input, forward, backward)


def _sigmoid(x):
    return f32(1 / f32(1 + libm_exp(-x)))


def silu(input, inplace=False):
    def backward(x, y, g):
        s = _sigmoid(x)
        return f32(f32(g * s) * f32(1 + f32(x * f32(1 - s))))

    return _unary(
        "SiluBackward0", input, lambda x: f32(x / f32(1 + libm_exp(-x))), backward, _check_in_place(input, inplace)
    )


def _softplus1(x):
    return f32(math.log1p(libm_exp(x))) if x < 20 else x


def mish(input, inplace=False):
    def backward(x, y, g):
        s = _sigmoid(x)
        t = f32(math.tanh(_softplus1(x)))
        return f32(g * f32(t + f32(f32(x * s) * f32(1 - f32(t * t)))))

    return _unary(
        "MishBackward0",
        input,
        lambda x: f32(x * f32(math.tanh(_softplus1(x)))),
        backward,
        _check_in_place(input, inplace),
    )


def softplus(input, beta=1.0, threshold=20.0):
    beta, threshold = f32(beta), f32(threshold)

    def forward(x):
        bx = f32(x * beta)
        return x if bx > threshold else f32(f32(math.log1p(libm_exp(bx))) / beta)

    def backward(x, y, g):
        bx = f32(x * beta)
        if bx > threshold:
            return g
        z = libm_exp(bx)
        return f32(f32(g * z) / f32(z + 1))

    return _unary("SoftplusBackward0", input, forward, backward)


def hardsigmoid(input, inplace=False):
    def forward(x):  # min(max(x + 3, 0), 6) / 6
        return min(max(f32(x + 3), 0.0), 6.0) / 6 if x == x else x

    return _unary(
        "HardsigmoidBackward0",
        input,
        lambda x: f32(forward(x)),
        lambda x, y, g: f32(g * f32(1 / 6)) if -3 < x < 3 else 0.0,
        _check_in_place(input, inplace),
    )


def hardswish(input, inplace=False):
    def backward(x, y, g):
        if x < -3:
            return 0.0
        if x <= 3:
            return f32(g * f32(f32(x / 3) + 0.5))
        return g

    return _unary(
        "HardswishBackward0",
        input,
        lambda x: f32(f32(x * min(max(f32(x + 3), 0.0), 6.0)) / 6),
        backward,
        _check_in_place(input, inplace),
    )


def threshold(input, threshold, value, inplace=False):
    threshold_f, value_f = f32(threshold), f32(value)
    return _unary(
        "ThresholdBackward0",
        input,
        lambda x: value_f if x <= threshold_f else x,
        lambda x, y, g: 0.0 if x <= threshold_f else g,
        _check_in_place(input, inplace),
    )


def softsign(input):
    return pointwise.div(input, pointwise.add(pointwise.abs(input), 1))


def tanhshrink(input):
    return pointwise.sub(input, pointwise.tanh(input))


def softshrink(input, lambd=0.5):
    lambd = f32(lambd)
    return _unary(
        "SoftshrinkBackward0",
        input,
        lambda x: f32(x - lambd) if x > lambd else f32(x + lambd) if x < -lambd else 0.0,
        lambda x, y, g: g if x > lambd or x < -lambd else 0.0,
    )


def hardshrink(input, lambd=0.5):
    lambd = f32(lambd)
    return _unary(
        "HardshrinkBackward0",
        input,
        lambda x: x if x > lambd or x < -lambd else 0.0,
        lambda x, y, g: g if x > lambd or x < -lambd else 0.0,
    )


def prelu(input, weight):
    """ATen's prelu: x if x > 0 else w * x, w per channel (dim 1) or one for all."""
    channels = weight.numel()
    if channels != 1 and (input.dim() < 1 or input._shape[1 if input.dim() > 1 else 0] != channels):
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{channels} and channel size = {input._shape[1] if input.dim() > 1 else 1}."
        )
    shape = [1] * input.dim()
    if channels != 1:
        shape[1 if input.dim() > 1 else 0] = channels
    w = weight.view(tuple(shape)) if input.dim() else weight.reshape(())
    return _prelu(input, w)


def _prelu(input, w):
    ws = pointwise.views.expanded(w.detach(), input._shape)._values()
    xs = input.contiguous()._values()
    out = Tensor._from_values([x if x > 0 else f32(wv * x) for x, wv in zip(xs, ws)], input._shape, input.dtype)

    def backward(grad):
        gs = grad.contiguous()._values()
        grad_input = Tensor._from_values(
            [g if x > 0 else f32(wv * g) for x, wv, g in zip(xs, ws, gs)], input._shape, input.dtype
        )
        grad_weight = Tensor._from_values(
            [0.0 if x > 0 else f32(x * g) for x, g in zip(xs, gs)], input._shape, input.dtype
        )
        return (grad_input, pointwise.grad_for(w, grad_weight))

    return record("PreluKernelBackward0", out, (input, w), backward, saved=(input, w))


def glu(input, dim=-1):
    from . import views

    size = input._shape[input._dim(dim)]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {input._dim(dim)} is size {size}")
    half = size // 2
    a, b = (views.narrow(input.detach(), dim, start, half) for start in (0, half))
    sig = pointwise.sigmoid(b)  # ATen's glu kernel: a * (1 / (1 + exp(-b))), its own node (GluBackward0)
    out = pointwise.mul(a, sig)

    def backward(grad):  # glu_backward: [sig * grad, a * sig * (1 - sig) * grad]
        from . import shape

        grad_b = pointwise.mul(pointwise.mul(pointwise.mul(a, sig), pointwise.rsub(sig, 1)), grad)
        return (shape.cat([pointwise.mul(sig, grad), grad_b], dim),)

    return record("GluBackward0", out, (input,), backward, saved=(input,))


# ---- torch.* and Tensor.* forms PyTorch has of these (torch.selu, torch.threshold_, Tensor.hardshrink, ...) ------
def _declare(name, fn, **options):
    fn.__name__ = name
    return op(**options)(fn)


_declare("selu", lambda input: selu(input), method=False)
_declare("selu_", lambda input: selu(input, inplace=True), method=False)
_declare("celu", lambda input, alpha=1.0: celu(input, alpha), method=False)
_declare("celu_", lambda input, alpha=1.0: celu(input, alpha, inplace=True), method=False)
_threshold = threshold  # (the lambdas' argument is called threshold, as torch.threshold's is)
_declare("threshold", lambda input, threshold, value: _threshold(input, threshold, value), method=False, out=True)
_declare("threshold_", lambda input, threshold, value: _threshold(input, threshold, value, True), method=False)
_declare(
    "rrelu",
    lambda input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None: rrelu(input, lower, upper, training),
    method=False,
)
_declare(
    "rrelu_",
    lambda input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None: rrelu(
        input, lower, upper, training, True
    ),
    method=False,
)
op(hardshrink)
op(prelu)
