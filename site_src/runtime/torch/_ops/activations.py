"""Activation functions (torch.nn.functional's elu, gelu, silu, softplus, hardtanh, ...), with ATen's float32 steps.

ATen's CPU activation kernels run a vectorized body over blocks of 2 x 8 floats (AVX2 Vectorized<float>; these
kernels are registered without an AVX512 version) and a scalar body over the remaining tail. The vectorized body's
exp comes from SLEEF (expf8_u10) and the scalar tail's from glibc (expf), both emulated below bit for bit.
"""

import math
from array import array
from decimal import Decimal, localcontext

_inf, _nan = float("inf"), float("nan")
VECTOR = 8  # floats per Vectorized<float> in the kernels used here (AVX2 width)


def f32(x):
    return array("f", (x,))[0]


def fma32(a, b, c):
    """float32 fused multiply-add: a * b + c rounded once (a * b is exact in a double; the double sum's own
    rounding is undone where it would make the float32 rounding go the other way)."""
    p = a * b
    s = p + c
    if s - s != 0:  # inf or nan
        return f32(s)
    bv = s - p
    err = (p - (s - bv)) + (c - bv)  # s + err == p + c exactly (TwoSum)
    r = f32(s)
    half = s - r
    if err and half:
        other = r + 2 * half
        if f32(other) == other:  # s was exactly halfway between two floats: the exact sum decides
            return other if (err > 0) == (half > 0) else r
    return r


# ---- SLEEF's float32 exp (sleefsimdsp.c xexpf, FMA build), as Vectorized<float>::exp computes it -------------
_R_LN2F = f32(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2UF, _L2LF = f32(0.693145751953125), f32(1.428606765330187045e-06)
_EXP_POLY = tuple(f32(c) for c in (0.00139304355252534151077271, 0.00833336077630519866943359,
                                   0.0416664853692054748535156, 0.166666671633720397949219, 0.5))
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
    return f32(f32(u * 2.0 ** half) * 2.0 ** (q - half))


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
    e = math.frexp(f32(d * _FOUR_THIRDS))[1] - 1  # vgetexp(d / 0.75)
    m = d / 2.0 ** e  # vgetmant: exact
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
_EXPF_C0, _EXPF_C1, _EXPF_C2 = (float.fromhex("0x1.c6af84b912394p-5") / _EXPF_N ** 3,
                                float.fromhex("0x1.ebfce50fac4f3p-3") / _EXPF_N ** 2,
                                float.fromhex("0x1.62e42ff0c52d6p-1") / _EXPF_N)
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
