"""PyTorch's float32 elementwise math, bit for bit: which code computes each element, and emulations of that code.

ATen's unary float kernels come in three kinds (torch 2.13, x86-64 with AVX512, MKL build):
- through at::vml (exp, log, sin, cos, tan, tanh, sqrt, asin, acos, atan, erf, log2, log10): Intel MKL's VML
  (vsExp, vsLn, ...) computes every element. MKL's code is closed; results are within 1 ULP of the correctly
  rounded ones (and sqrt, in MKL's float path, is not correctly rounded either), so the runtime keeps the correctly
  rounded float there: 1 ULP off on a few percent of inputs.
- through at::vml without MKL (expm1, log1p): vec::map runs SLEEF's vector function on every element, the last
  partial vector included, whatever the layout (a strided input is copied to a buffer first).
- through cpu_kernel_vec (sigmoid, sinh, cosh, exp2, ...): TensorIterator's vectorized loop runs SLEEF's vector
  code on blocks of 2 x 16 floats of each contiguous inner row and the scalar std:: function (glibc) on the rest of
  the row; rows that are not contiguous run the scalar code throughout. `vector_mask` says which element takes
  which path.
The SLEEF functions below follow sleefsimdsp.c / df.h as built for AVX512F (FMA: one rounding per fused a * b + c),
glibc's follow sysdeps/ieee754/flt-32 (glibc 2.36).
"""

import math
import struct

from .activations import _EXPF_TABLE, f32, fma32, libm_exp, sleef_exp, sleef_log

_inf, _nan = float("inf"), float("nan")
BLOCK = 32  # floats per iteration of ATen's vectorized loop: 2 x Vectorized<float> (AVX512: 16 lanes)


# ---- which elements take the vector path -----------------------------------------------------------------------
def vector_mask(tensor):
    """For a unary cpu_kernel_vec op on `tensor` (its result freshly allocated): a list, in row-major order, of
    whether each element is computed by the vector code (True) or the scalar code (False).

    TensorIterator orders the dimensions by stride (smallest innermost), coalesces the ones that are laid out one
    after the other, and calls the loop once per inner row; a dense tensor (contiguous in some order) is one row in
    memory order. The loop vectorizes a row whose input stride is one element (or zero: a broadcast value) and
    runs the scalar code on its last len % 32 elements."""
    shape, stride = tensor._shape, tensor._stride
    n = math.prod(shape)
    dims = [d for d in range(len(shape)) if shape[d] != 1]
    if not dims:
        return [False] * n
    # innermost first: TensorIterator's insertion sort on strides (a broadcast dimension, stride 0, stays put)
    order = dims[::-1]
    for i in range(1, len(order)):
        j = i
        while j > 0:
            a, b = stride[order[j - 1]], stride[order[j]]
            if a == 0 or b == 0 or a <= b:
                break
            order[j - 1], order[j] = order[j], order[j - 1]
            j -= 1
    # the inner row: dimensions coalesced while each one continues the previous one
    group, step = [order[0]], shape[order[0]] * stride[order[0]]
    for d in order[1:]:
        if stride[d] != step:
            break
        group.append(d)
        step = shape[d] * stride[d]
    inner_stride = stride[order[0]]
    length = math.prod(shape[d] for d in group)
    if inner_stride not in (0, 1):
        return [False] * n
    main = length - length % BLOCK
    if main == 0:
        return [False] * n
    # each element's position within its row
    weights = [0] * len(shape)
    w = 1
    for d in group:
        weights[d] = w
        w *= shape[d]
    positions = [0]
    for d in range(len(shape)):
        size, wd = shape[d], weights[d]
        positions = [p + i * wd for p in positions for i in range(size)]
    return [p < main for p in positions]


def vectorized(tensor, vector_fn, scalar_fn):
    """vector_fn or scalar_fn on each element of a float32 tensor, as ATen's cpu_kernel_vec picks them."""
    values = tensor._values()
    mask = vector_mask(tensor)
    return [vector_fn(x) if v else scalar_fn(x) for x, v in zip(values, mask)]


# ---- SLEEF's float-float ("df") arithmetic (df.h, FMA build) -----------------------------------------------------
def _fms(a, b, c):  # vfmapn: a * b - c, one rounding
    return fma32(a, b, -c)


def _add2_ff(x, y):  # dfadd2_vf2_vf_vf
    s = f32(x + y)
    v = f32(s - x)
    return s, f32(f32(x - f32(s - v)) + f32(y - v))


def _add2_df_f(xh, xl, y):  # dfadd2_vf2_vf2_vf
    s = f32(xh + y)
    v = f32(s - xh)
    return s, f32(f32(f32(xh - f32(s - v)) + f32(y - v)) + xl)


def _add2_df_df(xh, xl, yh, yl):  # dfadd2_vf2_vf2_vf2
    s = f32(xh + yh)
    v = f32(s - xh)
    return s, f32(f32(f32(xh - f32(s - v)) + f32(yh - v)) + f32(xl + yl))


def _add_f_df(x, yh, yl):  # dfadd_vf2_vf_vf2 (|x| >= |y|)
    s = f32(x + yh)
    return s, f32(f32(f32(x - s) + yh) + yl)


def _add_df_df(xh, xl, yh, yl):  # dfadd_vf2_vf2_vf2 (|x| >= |y|)
    s = f32(xh + yh)
    return s, f32(f32(f32(f32(xh - s) + yh) + xl) + yl)


def _sub_df_df(xh, xl, yh, yl):  # dfsub_vf2_vf2_vf2
    s = f32(xh - yh)
    return s, f32(f32(f32(f32(xh - s) - yh) + xl) - yl)


def _mul_df_f(xh, xl, y):  # dfmul_vf2_vf2_vf
    h = f32(xh * y)
    return h, fma32(xl, y, _fms(xh, y, h))


def _mul_df_df(xh, xl, yh, yl):  # dfmul_vf2_vf2_vf2
    h = f32(xh * yh)
    return h, fma32(xh, yl, fma32(xl, yh, _fms(xh, yh, h)))


def _squ_df(xh, xl):  # dfsqu_vf2_vf2
    h = f32(xh * xh)
    return h, fma32(f32(xh + xh), xl, _fms(xh, xh, h))


def _rec_df(dh, dl):  # dfrec_vf2_vf2 (vrec is a correctly rounded 1 / x on AVX512)
    t = f32(1.0 / dh)
    return t, f32(t * fma32(-dl, t, fma32(-dh, t, 1.0)))


def _div_df(nh, nl, dh, dl):  # dfdiv_vf2_vf2_vf2
    t = f32(1.0 / dh)
    qh = f32(nh * t)
    u = _fms(t, nh, qh)
    ql = fma32(-dl, t, fma32(-dh, t, 1.0))
    return qh, fma32(qh, ql, fma32(nl, t, u))


def _ldexp2(d, e):  # vldexp2_vf_vf_vi2: two exact power-of-two scalings, each rounded
    half = e >> 1
    return f32(f32(d * 2.0**half) * 2.0 ** (e - half))


_R_LN2F = f32(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2UF, _L2LF = f32(0.693145751953125), f32(1.428606765330187045e-06)
_LN2F_HI, _LN2F_LO = f32(0.69314718246459960938), f32(-1.904654323148236017e-09)
_EXPK2_POLY = tuple(f32(c) for c in (0.1980960224e-3, 0.1394256484e-2, 0.8333456703e-2, 0.4166637361e-1))
_EXPK2_C5 = f32(0.166666659414234244790680580464e0)


def _expk2(dh, dl):
    """SLEEF's expk2f: e^(dh + dl) as a float pair."""
    q = round(f32(f32(dh + dl) * _R_LN2F))  # vrint: ties to even
    qf = float(q)
    sh, sl = _add2_df_f(dh, dl, f32(qf * -_L2UF))
    sh, sl = _add2_df_f(sh, sl, f32(qf * -_L2LF))
    u = _EXPK2_POLY[0]
    for c in _EXPK2_POLY[1:]:
        u = fma32(u, sh, c)
    th, tl = _add2_df_f(*_mul_df_f(sh, sl, u), _EXPK2_C5)
    th, tl = _add2_df_f(*_mul_df_df(sh, sl, th, tl), 0.5)
    th, tl = _add2_df_df(sh, sl, *_mul_df_df(*_squ_df(sh, sl), th, tl))
    th, tl = _add_f_df(1.0, th, tl)
    if dh < -104:
        return 0.0, 0.0
    return _ldexp2(th, q), _ldexp2(tl, q)


# ---- SLEEF's vector functions (the u10 ones ATen's Vectorized<float> calls) --------------------------------------
def sleef_expm1(a):  # xexpm1f
    if math.isnan(a):
        return a
    if a > 88.72283172607421875:
        return _inf
    if a < -16.635532333438687426013570:
        return -1.0
    if a == 0:
        return a  # keeps -0.0
    h, l = _add2_df_f(*_expk2(a, 0.0), -1.0)
    return f32(h + l)


_LOG1P_POLY = tuple(f32(c) for c in (0.3027294874, 0.3996108174, 0.6666694880))


def sleef_log1p(d):  # xlog1pf: xlog1pf_fast up to 1e23, xlogf_u1 above
    if math.isnan(d) or d < -1:
        return _nan
    if d == -1:
        return -_inf
    if d == 0:
        return d
    if d > 1e23:
        return d if d == _inf else sleef_log(d)
    dp1 = f32(d + 1.0)
    e = math.frexp(f32(dp1 * f32(1.0 / 0.75)))[1] - 1  # vgetexp
    t = 2.0**-e
    m = fma32(d, t, f32(t - 1.0))
    xh, xl = _div_df(m, 0.0, *_add2_ff_plain(2.0, m))
    x2 = f32(xh * xh)
    p = fma32(fma32(_LOG1P_POLY[0], x2, _LOG1P_POLY[1]), x2, _LOG1P_POLY[2])
    sh, sl = _mul_df_f(_LN2F_HI, _LN2F_LO, float(e))
    sh, sl = _add_df_df(sh, sl, f32(xh * 2.0), f32(xl * 2.0))
    s = f32(sh + f32(f32(x2 * xh) * p))
    sl = f32(f32(f32(sh - s) + f32(f32(x2 * xh) * p)) + sl)
    return f32(s + sl)


def _add2_ff_plain(x, y):  # dfadd_vf2_vf_vf (|x| >= |y|)
    s = f32(x + y)
    return s, f32(f32(x - s) + y)


def sleef_sinh(x):  # xsinhf
    if math.isnan(x):
        return x
    y = abs(x)
    if y > 89:
        return math.copysign(_inf, x)
    dh, dl = _expk2(y, 0.0)
    dh, dl = _sub_df_df(dh, dl, *_rec_df(dh, dl))
    r = f32(f32(dh + dl) * 0.5)
    if math.isnan(r):
        r = _inf
    return math.copysign(r, x)


def sleef_cosh(x):  # xcoshf
    if math.isnan(x):
        return x
    y = abs(x)
    if y > 89:
        return _inf
    dh, dl = _expk2(y, 0.0)
    dh, dl = _add_df_df(dh, dl, *_rec_df(dh, dl))
    r = f32(f32(dh + dl) * 0.5)
    return _inf if math.isnan(r) else r


_EXP2_POLY = tuple(
    f32(c) for c in (0.1535920892e-3, 0.1339262701e-2, 0.9618384764e-2, 0.5550347269e-1, 0.2402264476e0, 0.6931471825e0)
)


def sleef_exp2(d):  # xexp2f
    if math.isnan(d):
        return d
    if d >= 128:
        return _inf
    if d < -150:
        return 0.0
    q = round(d)  # vrint: ties to even
    s = f32(d - q)
    u = _EXP2_POLY[0]
    for c in _EXP2_POLY[1:]:
        u = fma32(u, s, c)
    return _ldexp2(fma32(u, s, 1.0), q)


def sleef_sigmoid(x):  # ATen's vector sigmoid: (1 + exp(0 - x)).reciprocal(), SLEEF's exp
    return f32(1.0 / f32(1.0 + sleef_exp(f32(0.0 - x))))


def libm_sigmoid(x):  # ATen's scalar sigmoid: 1 / (1 + std::exp(-x)) in float
    return f32(1.0 / f32(1.0 + libm_exp(-x)))


# ---- glibc's exp2f (sysdeps/ieee754/flt-32/e_exp2f.c): std::exp2 on a float in ATen's scalar code -------------
_EXP2F_N = 32
_EXP2F_C = (
    float.fromhex("0x1.c6af84b912394p-5"),
    float.fromhex("0x1.ebfce50fac4f3p-3"),
    float.fromhex("0x1.62e42ff0c52d6p-1"),
)


def libm_exp2(x):
    if math.isnan(x):
        return x
    if x >= 128:
        return _inf
    if x <= -150:
        return 0.0
    k = round(x * _EXP2F_N)  # the shift trick: x * N rounded to an integer, ties to even
    r = x - k / _EXP2F_N
    z = _EXP2F_C[0] * r + _EXP2F_C[1]
    y = z * (r * r) + (_EXP2F_C[2] * r + 1.0)
    return f32(y * math.ldexp(_EXPF_TABLE[k % _EXP2F_N], k // _EXP2F_N))


# ---- GELU (approximate="none") ---------------------------------------------------------------------------------
# ATen hands a contiguous float32 tensor of more than one element to oneDNN (use_mkldnn in Activation.cpp), whose
# AVX512 eltwise injector evaluates erf(x / sqrt 2) by a degree-5 minimax polynomial in |x|, one of 25 picked by
# |x|'s exponent and top 2 mantissa bits (gelu_erf_minimax_approx_compute_vector_fwd; coefficients as float bits,
# one row per degree, one column per polynomial). Other tensors take cpu_kernel_vec: ATen's Vectorized<float>::erf
# (Abramowitz-Stegun 7.1.26 with SLEEF's exp) in the vector blocks, std::erf on the rest.
_GELU_POLYNOMIALS = [
    [struct.unpack("<f", struct.pack("<I", h))[0] for h in row] + [0.0] * 7
    for row in (
        (
            0xA6F2CB94,
            0x32827792,
            0x3381CC0C,
            0x34523D4A,
            0x351AC44D,
            0x35F36D88,
            0x36EE8229,
            0x37B8A3BB,
            0x3867A213,
            0x3940033B,
            0x3A2A5A1D,
            0x3AE35863,
            0x3B7828F2,
            0x3C08B14B,
            0x3C515ED3,
            0xBB503236,
            0xBD8D8E5E,
            0xBE8ABCD9,
            0xBF0C19A2,
            0xBECCB328,
            0x3E176CED,
            0x3F470D99,
            0x3F7ABB28,
            0x3F800000,
            0,
        ),
        (
            0x3F4C422A,
            0x3F4C421F,
            0x3F4C4207,
            0x3F4C41CB,
            0x3F4C413B,
            0x3F4C3FAD,
            0x3F4C3A2F,
            0x3F4C2D40,
            0x3F4C146A,
            0x3F4BC341,
            0x3F4AD08C,
            0x3F48F8CF,
            0x3F45FAC7,
            0x3F404E07,
            0x3F3B980F,
            0x3F48DFF3,
            0x3F78B21B,
            0x3FBB0704,
            0x40019C32,
            0x3FE536D6,
            0x3F81331E,
            0x3E6C8684,
            0x3C98F936,
            0,
            0x3F800000,
        ),
        (
            0xB62173F4,
            0x3735E4CF,
            0x37F2FF89,
            0x388C23BE,
            0x3917535C,
            0x39AB2AB0,
            0x3A60FADB,
            0x3AF9B960,
            0x3B6E5491,
            0x3C0A4EC5,
            0x3CA5AA8C,
            0x3D2138D9,
            0x3D8737D4,
            0x3DDFB660,
            0x3E0F27AB,
            0x3D94004B,
            0xBE0EFDEB,
            0xBF1D96C3,
            0xBF89DB58,
            0xBF6D9897,
            0xBEF69FB8,
            0xBDC4F8A8,
            0xBBDE6422,
            0,
            0,
        ),
        (
            0xBE081A19,
            0xBE084570,
            0xBE08639B,
            0xBE089837,
            0xBE08F409,
            0xBE09AB95,
            0xBE0B66D0,
            0xBE0E400A,
            0xBE124DF8,
            0xBE1BDE02,
            0xBE2F19C9,
            0xBE4931BF,
            0xBE685FBC,
            0xBE89C95F,
            0xBE96CBCA,
            0xBE8044AA,
            0xBE0550F2,
            0x3DCFD6A1,
            0x3E94C826,
            0x3E79345F,
            0x3DECEC91,
            0x3CA46568,
            0x3AA1E00A,
            0,
            0,
        ),
        (
            0xBA3D61DB,
            0x39F097A3,
            0x3A5845DC,
            0x3AB1FA35,
            0x3B0CEFB8,
            0x3B653AB6,
            0x3BCAE527,
            0x3C221712,
            0x3C6C5840,
            0x3CC0A703,
            0x3D1DCC19,
            0x3D63656D,
            0x3D955907,
            0x3DBF9910,
            0x3DD53F69,
            0x3DB7DCEF,
            0x3D639EBE,
            0xBA6EDE48,
            0xBD22BE69,
            0xBD041CF1,
            0xBC64F5AB,
            0xBB097A32,
            0xB8EBF380,
            0,
            0,
        ),
        (
            0x3CB7D80C,
            0x3C9B6050,
            0x3C978D11,
            0x3C92E850,
            0x3C8D058B,
            0x3C848454,
            0x3C6CD623,
            0x3C4C824B,
            0x3C2A7935,
            0x3BE0B390,
            0x3B0651AC,
            0xBB232F53,
            0xBBD42FA0,
            0xBC2C5366,
            0xBC492C9E,
            0xBC2A7AA6,
            0xBBD55D04,
            0xBA823A76,
            0x3B102AA8,
            0x3AE25A7E,
            0x3A31F792,
            0x38B84375,
            0x3689BB5A,
            0,
            0,
        ),
    )
]
_GELU_RBOUND = struct.unpack("<f", struct.pack("<I", 0x40B15CEE))[0]  # erf(|x| / sqrt 2) is 1 above it
_SQRT_HALF = f32(math.sqrt(0.5))


def dnnl_gelu_erf(x):
    magnitude = abs(x)
    index = (
        struct.unpack(
            "<i", struct.pack("<I", (struct.unpack("<I", struct.pack("<f", magnitude))[0] + 0xC21FFFFF) & 0xFFFFFFFF)
        )[0]
        >> 21
    )
    index = 23 if _GELU_RBOUND < magnitude else min(max(index, 1), 24)
    rows = _GELU_POLYNOMIALS
    p = rows[5][index]
    for degree in range(4, -1, -1):
        p = fma32(p, magnitude, rows[degree][index])
    if math.copysign(1.0, x) < 0:  # the sign bit of x flips the polynomial's
        p = -p
    return f32(f32(x * f32(p + 1.0)) * 0.5)


def _aten_vector_erf(x):  # Vectorized<float>::erf (vec512_float.h)
    magnitude = abs(x)
    t = f32(1.0 / fma32(f32(0.3275911), magnitude, 1.0))
    r = fma32(
        fma32(fma32(fma32(f32(1.061405429), t, f32(-1.453152027)), t, f32(1.421413741)), t, f32(-0.284496736)),
        t,
        f32(0.254829592),
    )
    v = fma32(f32(-sleef_exp(-f32(x * x)) * t), r, 1.0)
    return -v if math.copysign(1.0, x) < 0 else v


def aten_vector_gelu_erf(x):
    return f32(f32(x * 0.5) * f32(1.0 + _aten_vector_erf(f32(x * _SQRT_HALF))))


def libm_gelu_erf(x):  # the scalar x * 0.5 * (1 + std::erf(x * M_SQRT1_2))
    return f32(f32(x * 0.5) * f32(1 + glibc_erff(f32(x * _SQRT_HALF))))


# glibc's erff (sysdeps/ieee754/flt-32/s_erff.c, fdlibm's rational approximations in float; expf is glibc's own)
_ERFF_PP = tuple(
    f32(c) for c in (1.2837916613e-01, -3.2504209876e-01, -2.8481749818e-02, -5.7702702470e-03, -2.3763017452e-05)
)
_ERFF_QQ = tuple(
    f32(c) for c in (1.0, 3.9791721106e-01, 6.5022252500e-02, 5.0813062117e-03, 1.3249473704e-04, -3.9602282413e-06)
)
_ERFF_PA = tuple(
    f32(c)
    for c in (
        -2.3621185683e-03,
        4.1485610604e-01,
        -3.7220788002e-01,
        3.1834661961e-01,
        -1.1089469492e-01,
        3.5478305072e-02,
        -2.1663755178e-03,
    )
)
_ERFF_QA = tuple(
    f32(c)
    for c in (
        1.0,
        1.0642088205e-01,
        5.4039794207e-01,
        7.1828655899e-02,
        1.2617121637e-01,
        1.3637083583e-02,
        1.1984500103e-02,
    )
)
_ERFF_RA = tuple(
    f32(c)
    for c in (
        -9.8649440333e-03,
        -6.9385856390e-01,
        -1.0558626175e01,
        -6.2375331879e01,
        -1.6239666748e02,
        -1.8460508728e02,
        -8.1287437439e01,
        -9.8143291473e00,
    )
)
_ERFF_SA = tuple(
    f32(c)
    for c in (
        1.0,
        1.9651271820e01,
        1.3765776062e02,
        4.3456588745e02,
        6.4538726807e02,
        4.2900814819e02,
        1.0863500214e02,
        6.5702495575e00,
        -6.0424413532e-02,
    )
)
_ERFF_RB = tuple(
    f32(c)
    for c in (
        -9.8649431020e-03,
        -7.9928326607e-01,
        -1.7757955551e01,
        -1.6063638306e02,
        -6.3756646729e02,
        -1.0250950928e03,
        -4.8351919556e02,
    )
)
_ERFF_SB = tuple(
    f32(c)
    for c in (
        1.0,
        3.0338060379e01,
        3.2579251099e02,
        1.5367296143e03,
        3.1998581543e03,
        2.5530502930e03,
        4.7452853394e02,
        -2.2440952301e01,
    )
)
_ERFF_ERX, _ERFF_EFX = f32(8.4506291151e-01), f32(1.2837916613e-01)


def _horner32(coefficients, z):
    """c0 + z * (c1 + z * (...)), each step rounded to float."""
    p = coefficients[-1]
    for c in coefficients[-2::-1]:
        p = f32(c + f32(z * p))
    return p


def glibc_erff(x):
    word = _float_bits(x)
    ix, negative = word & 0x7FFFFFFF, word >> 31
    if ix >= 0x7F800000:
        return x if math.isnan(x) else math.copysign(1.0, x)
    if ix < 0x3F580000:  # |x| < 0.84375
        if ix < 0x04000000:  # tiny: scaled against underflow
            return f32(0.0625 * f32(f32(16.0 * x) + f32(f32(16.0 * _ERFF_EFX) * x)))
        if ix < 0x31800000:  # |x| < 2^-28
            return f32(x + f32(_ERFF_EFX * x))
        z = f32(x * x)
        return f32(x + f32(x * f32(_horner32(_ERFF_PP, z) / _horner32(_ERFF_QQ, z))))
    if ix < 0x3FA00000:  # |x| < 1.25
        s = f32(abs(x) - 1.0)
        quotient = f32(_horner32(_ERFF_PA, s) / _horner32(_ERFF_QA, s))
        return f32(-_ERFF_ERX - quotient) if negative else f32(_ERFF_ERX + quotient)
    if ix >= 0x40C00000:  # |x| >= 6
        return -1.0 if negative else 1.0
    x = abs(x)
    s = f32(1.0 / f32(x * x))
    r_s = (_ERFF_RA, _ERFF_SA) if ix < 0x4036DB6E else (_ERFF_RB, _ERFF_SB)
    z = _float_of(_float_bits(x) & 0xFFFFF000)
    r = f32(
        libm_exp(f32(f32(-z * z) - 0.5625))
        * libm_exp(f32(f32(f32(z - x) * f32(z + x)) + f32(_horner32(r_s[0], s) / _horner32(r_s[1], s))))
    )
    return f32(f32(r / x) - 1.0) if negative else f32(1.0 - f32(r / x))


def gelu_erf(tensor):
    """F.gelu(tensor) for float32, row-major, by the code PyTorch runs for this tensor."""
    if tensor.is_contiguous() and tensor.numel() > 1:
        return [dnnl_gelu_erf(x) for x in tensor._values()]
    return vectorized(tensor, aten_vector_gelu_erf, libm_gelu_erf)


# ---- GELU (approximate="tanh") -----------------------------------------------------------------------------------
# cpu_kernel_vec: 0.5 * x * (1 + tanh(kBeta * (x + kKappa * x^3))) with x + kKappa * x^3 contracted into one fused
# multiply-add by the compiler (both paths; measured), SLEEF's tanhf in the vector blocks, glibc's tanhf elsewhere.
_GELU_BETA, _GELU_KAPPA = f32(math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5), f32(0.044715)


def sleef_tanh(x):  # xtanhf
    if math.isnan(x):
        return x
    y = abs(x)
    if y > 8.664339742:
        return math.copysign(1.0, x)
    dh, dl = _expk2(y, 0.0)
    eh, el = _rec_df(dh, dl)
    qh, ql = _div_df(*_add2_df_df(dh, dl, -eh, -el), *_add2_df_df(dh, dl, eh, el))
    r = f32(qh + ql)
    return math.copysign(1.0 if math.isnan(r) else r, x)


_EXPM1F_LN2_HI, _EXPM1F_LN2_LO, _EXPM1F_INVLN2 = f32(6.9313812256e-01), f32(9.0580006145e-06), f32(1.4426950216e00)
_EXPM1F_Q = tuple(
    f32(q) for q in (-3.3333335072e-02, 1.5873016091e-03, -7.9365076090e-05, 4.0082177293e-06, -2.0109921195e-07)
)


def _float_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def _float_of(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def glibc_expm1f(x):  # sysdeps/ieee754/flt-32/s_expm1f.c, every step in float
    word = _float_bits(x)
    hx, sign = word & 0x7FFFFFFF, word >> 31
    if hx >= 0x4195B844:  # |x| >= 27 ln2
        if hx >= 0x7F800000:
            return -1.0 if word == 0xFF800000 else x
        if sign:
            return -1.0
        if hx > 0x42B17217:
            return _inf
    c = 0.0
    if hx > 0x3EB17218:  # |x| > ln2 / 2: x = k ln2 + r
        if hx < 0x3F851592:
            hi, lo, k = (
                (f32(x - _EXPM1F_LN2_HI), _EXPM1F_LN2_LO, 1)
                if not sign
                else (f32(x + _EXPM1F_LN2_HI), -_EXPM1F_LN2_LO, -1)
            )
        else:
            k = int(f32(f32(_EXPM1F_INVLN2 * x) + (-0.5 if sign else 0.5)))
            hi, lo = f32(x - f32(k * _EXPM1F_LN2_HI)), f32(k * _EXPM1F_LN2_LO)
        x = f32(hi - lo)
        c = f32(f32(hi - x) - lo)
    elif hx < 0x33000000:  # |x| < 2^-25
        return x
    else:
        k = 0
    hfx = f32(0.5 * x)
    hxs = f32(x * hfx)
    p = _EXPM1F_Q[4]
    for q in _EXPM1F_Q[3::-1]:
        p = f32(q + f32(hxs * p))
    r1 = f32(1.0 + f32(hxs * p))
    t = f32(3.0 - f32(r1 * hfx))
    e = f32(hxs * f32(f32(r1 - t) / f32(6.0 - f32(x * t))))
    if k == 0:
        return f32(x - f32(f32(x * e) - hxs))
    e = f32(f32(f32(x * f32(e - c)) - c) - hxs)
    if k == -1:
        return f32(f32(0.5 * f32(x - e)) - 0.5)
    if k == 1:
        return f32(-2.0 * f32(e - f32(x + 0.5))) if x < -0.25 else f32(1.0 + f32(2.0 * f32(x - e)))
    if k <= -2 or k > 56:
        y = f32(f32(x - e) + 1.0)
        y = f32(f32(y * 2.0) * 2.0**127) if k == 128 else f32(y * _float_of((0x7F + k) << 23))
        return f32(y - 1.0)
    two_k, two_minus_k = _float_of((0x7F + k) << 23), _float_of((0x7F - k) << 23)
    if k < 23:
        return f32(f32(f32(x - e) + f32(1.0 - two_minus_k)) * two_k)
    return f32(f32(f32(x - f32(e + two_minus_k)) + 1.0) * two_k)


def glibc_tanhf(x):  # sysdeps/ieee754/flt-32/s_tanhf.c
    if math.isnan(x):
        return x
    magnitude = abs(x)
    if magnitude == _inf:
        return math.copysign(1.0, x)
    if magnitude >= 22:
        z = 1.0
    elif magnitude == 0:
        return x
    elif magnitude < 2.0**-55:
        return f32(x * (1 + x))
    elif magnitude >= 1:
        t = glibc_expm1f(f32(2 * magnitude))
        z = f32(1 - f32(2 / f32(t + 2)))
    else:
        t = glibc_expm1f(f32(-2 * magnitude))
        z = f32(-t / f32(t + 2))
    return z if x >= 0 else -z


# ---- atanh: glibc's atanhf (sysdeps/ieee754/flt-32/e_atanhf.c) on its log1pf (s_log1pf.c), every step in float --
# ATen's scalar path; its vector blocks run SLEEF's atanhf, not emulated here (see math_ops.atanh).
_LOG1PF_LN2_HI, _LOG1PF_LN2_LO = f32(6.9313812256e-01), f32(9.0580006145e-06)
_LOG1PF_LP = tuple(
    f32(c)
    for c in (
        6.6666668653e-01,
        4.0000000596e-01,
        2.8571429849e-01,
        2.2222198546e-01,
        1.8183572590e-01,
        1.5313838422e-01,
        1.4798198640e-01,
    )
)
_LOG1PF_TWO_THIRDS = f32(0.66666666666666666)


def glibc_log1pf(x):
    word = _float_bits(x)
    hx = word - (1 << 32) if word >> 31 else word  # the C code compares the signed word
    k, c = 1, 0.0
    if hx < 0x3ED413D7:  # x < 0.41422
        if word & 0x7FFFFFFF >= 0x3F800000:  # x <= -1
            return -_inf if x == -1.0 else _nan
        if word & 0x7FFFFFFF < 0x31000000:  # |x| < 2^-29
            return x if word & 0x7FFFFFFF < 0x24800000 else f32(x - f32(f32(x * x) * 0.5))
        if hx > 0 or hx <= -0x416A09E1:  # -0.2929 < x < 0.41422: (int32_t) 0xbe95f61f
            k, f, hu = 0, x, 1
    if hx >= 0x7F800000:
        return x + x
    if k:
        u = f32(1.0 + x) if hx < 0x5A000000 else x
        hu = _float_bits(u)
        k = (hu >> 23) - 127
        if hx < 0x5A000000:  # the rounding error of 1 + x, as a correction
            c = f32((f32(1.0 - f32(u - x)) if k > 0 else f32(x - f32(u - 1.0))) / u)
        hu &= 0x007FFFFF
        if hu < 0x3504F7:
            u = _float_of(hu | 0x3F800000)
        else:
            k += 1
            u = _float_of(hu | 0x3F000000)
            hu = (0x00800000 - hu) >> 2
        f = f32(u - 1.0)
    hfsq = f32(f32(0.5 * f) * f)
    k_lo = f32(f32(k * _LOG1PF_LN2_LO) + c)
    if hu == 0:  # |f| < 2^-20
        if f == 0.0:
            return 0.0 if k == 0 else f32(f32(k * _LOG1PF_LN2_HI) + k_lo)
        r = f32(hfsq * f32(1.0 - f32(_LOG1PF_TWO_THIRDS * f)))
        return f32(f - r) if k == 0 else f32(f32(k * _LOG1PF_LN2_HI) - f32(f32(r - k_lo) - f))
    s = f32(f / f32(2.0 + f))
    z = f32(s * s)
    r = _LOG1PF_LP[6]
    for lp in _LOG1PF_LP[5::-1]:
        r = f32(lp + f32(z * r))
    r = f32(z * r)
    if k == 0:
        return f32(f - f32(hfsq - f32(s * f32(hfsq + r))))
    return f32(f32(k * _LOG1PF_LN2_HI) - f32(f32(hfsq - f32(f32(s * f32(hfsq + r)) + k_lo)) - f))


def glibc_atanhf(x):
    magnitude = abs(x)
    if magnitude < 0.5:
        if magnitude < 2.0**-28:
            return x
        twice = f32(magnitude + magnitude)
        t = f32(0.5 * glibc_log1pf(f32(twice + f32(f32(twice * magnitude) / f32(1.0 - magnitude)))))
    elif magnitude < 1.0:
        t = f32(0.5 * glibc_log1pf(f32(f32(magnitude + magnitude) / f32(1.0 - magnitude))))
    elif magnitude == 1.0:
        return math.copysign(_inf, x)
    else:
        return _nan  # |x| > 1, or nan
    return math.copysign(t, x)


def _gelu_tanh_inner(x):
    return f32(_GELU_BETA * fma32(_GELU_KAPPA, f32(f32(x * x) * x), x))


def gelu_tanh(tensor):
    """F.gelu(tensor, approximate="tanh") for float32, row-major."""
    return vectorized(
        tensor,
        lambda x: f32(f32(0.5 * x) * f32(1 + sleef_tanh(_gelu_tanh_inner(x)))),
        lambda x: f32(f32(0.5 * x) * f32(1 + glibc_tanhf(_gelu_tanh_inner(x)))),
    )
