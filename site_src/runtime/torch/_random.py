"""PyTorch's CPU random number generator, bit for bit, in pure Python.

torch 2.13 on x86-64 (AVX2/AVX512 kernels): after the same seed, every sampler here returns exactly the values
real PyTorch writes into a tensor, and leaves the generator at the same stream position. Samplers return flat
Python lists in memory order; float32 results are float32-exact Python floats. The C++ sources each function
follows are named in its docstring (paths in the pytorch repository, under aten/src/ATen/).

float32 arithmetic is emulated in double: a float32 +, -, *, / or sqrt done in double and rounded once to float32
is the correctly rounded float32 result (53 >= 2*24 + 2 bits). A float32 FMA is not (the double sum may round
onto a float32 tie), so `_fma_f32` repairs that case with the exact error of the sum.

The float64 paths call libm (log, log1p, sin, cos) as PyTorch does. Pyodide's libm is not glibc: its sin and cos
differ in the last bit for a few percent of arguments, so float64 normals can differ by one ulp in the browser.
float32 results do not depend on libm in practice (the block path is emulated op by op; the scalar path's double
is rounded to float32).
"""

import math
import os
import random as _stdlib_random
from array import array
from itertools import repeat

__all__ = [
    "Generator",
    "default_generator",
    "uniform",
    "normal",
    "randint",
    "randperm",
    "bernoulli",
    "kaiming_uniform_bound",
]

DEFAULT_SEED = 67280421310721  # c10::default_rng_seed_val: the seed of a fresh torch.Generator()

_UINT32 = next(code for code in "IL" if array(code).itemsize == 4)
_MASK53 = (1 << 53) - 1


# ---------------------------------------------------------------------------------------------------- generator


def _init_genrand(key):
    """MT19937 init_genrand (core/MT19937RNGEngine.h): the 624-word state a 32-bit key expands to."""
    state = [key]
    for j in range(1, 624):
        prev = state[-1]
        state.append((1812433253 * (prev ^ (prev >> 30)) + j) & 0xFFFFFFFF)
    return tuple(state)


class Generator:
    """CPUGeneratorImpl (CPUGeneratorImpl.cpp): an MT19937 stream plus one cached double normal sample.

    The MT19937 itself is the standard library's (random.Random is the same engine, in C): PyTorch only seeds it
    differently (init_genrand with the low 32 bits of the seed, where Random.seed uses init_by_array), so
    manual_seed writes that state with setstate and getrandbits(32) then yields PyTorch's words in order.
    """

    def __init__(self, seed=DEFAULT_SEED):
        self._mt = _stdlib_random.Random()
        self.manual_seed(seed)

    def manual_seed(self, seed):
        seed = int(seed)
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed & 0xFFFFFFFFFFFFFFFF  # stored as uint64: -1 reads back as 2**64 - 1
        # index 624 = "state exhausted": the first draw twists first, as PyTorch's engine does
        self._mt.setstate((3, _init_genrand(self._seed & 0xFFFFFFFF) + (624,), None))
        self.next_double_normal = None  # the Box-Muller partner that scalar normal sampling keeps
        return self

    def seed(self):
        """Reseed from the OS like torch.seed(), and return the new seed."""
        self.manual_seed(int.from_bytes(os.urandom(8), "little"))
        return self._seed

    def initial_seed(self):
        return self._seed

    def random(self):
        """One 32-bit MT19937 output."""
        return self._mt.getrandbits(32)

    def random64(self):
        """Two outputs, the first one the high word."""
        return (self._mt.getrandbits(32) << 32) | self._mt.getrandbits(32)

    def get_state(self):
        return (self._seed, self._mt.getstate(), self.next_double_normal)

    def set_state(self, state):
        self._seed, mt_state, self.next_double_normal = state
        self._mt.setstate(mt_state)

    def _words(self, n, low_24_bits=False):
        """The next n 32-bit outputs, in order, from one C call: getrandbits fills the low words first.
        With low_24_bits, the high byte of each word is cleared (all a float32 uniform uses). Byte slicing
        runs at C speed; it assumes a little-endian host, as x86-64 and WebAssembly are."""
        raw = bytearray(self._mt.getrandbits(32 * n).to_bytes(4 * n, "little"))
        if low_24_bits:
            raw[3::4] = bytes(n)
        words = array(_UINT32)
        words.frombytes(raw)
        return words

    def _words64(self, n):
        """The next n random64() values: word pairs swapped into (low, high) order, read as uint64."""
        words = self._words(2 * n)
        swapped = array(_UINT32, bytes(8 * n))
        swapped[0::2], swapped[1::2] = words[1::2], words[0::2]
        return array("Q", swapped.tobytes())


default_generator = Generator(int.from_bytes(os.urandom(8), "little"))  # PyTorch starts unseeded too


# ------------------------------------------------------------------------------------------ float arithmetic


def _round_f32(values):
    """Round a list of doubles to float32 (array('f') rounds to nearest, ties to even)."""
    return array("f", values).tolist()


def _to_f32(value):
    return array("f", (value,))[0]


def _sum_to_f32(total, error, rounded):
    """float32 rounding of the exact total + error, given rounded = float32 rounding of the double total.

    Rounding twice goes wrong only when the double total sits exactly halfway between two float32 values
    and the exact value does not; then the error says which side the exact value is on.
    """
    half_step = total - rounded  # exact
    other = rounded + 2 * half_step
    if error and half_step and _to_f32(other) == other:
        return other if (error > 0) == (half_step > 0) else rounded
    return rounded


def _add_f32(xs, ys):
    """float32 rounding of each exact x + y (doubles), rounded once."""
    totals = [x + y for x, y in zip(xs, ys)]
    errors = [(x - (t - (t - x))) + (y - (t - x)) for x, y, t in zip(xs, ys, totals)]  # TwoSum
    return [_sum_to_f32(t, e, r) if e else r for t, e, r in zip(totals, errors, _round_f32(totals))]


def _fma_f32(xs, ys, zs):
    """A float32 fused multiply-add per lane: x*y + z rounded once. Scalars broadcast."""
    xs, ys, zs = (repeat(v) if isinstance(v, float) else v for v in (xs, ys, zs))
    return _add_f32([x * y for x, y in zip(xs, ys)], zs)  # the product of two float32s is exact in double


def _mul_f32(xs, ys):
    ys = repeat(ys) if isinstance(ys, float) else ys
    return _round_f32([x * y for x, y in zip(xs, ys)])


def _fma_exact(x, y, z):
    """x*y + z rounded once to double. Stand-in for math.fma (Python >= 3.13) on older Pythons:
    integer arithmetic on the exact binary fractions, then int / int, which Python rounds correctly."""
    if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(z)):
        return x * y + z
    (xn, xd), (yn, yd), (zn, zd) = x.as_integer_ratio(), y.as_integer_ratio(), z.as_integer_ratio()
    numerator = xn * yn * zd + zn * xd * yd
    if numerator == 0:
        return x * y + z  # an exact zero: double arithmetic gives IEEE's sign for it
    return numerator / (xd * yd * zd)


_fma = getattr(math, "fma", _fma_exact)


# ----------------------------------------------------------------------------------------------------- uniform


def uniform(gen, n, low=0.0, high=1.0, dtype="float32"):
    """torch.rand and Tensor.uniform_(low, high) (native/cpu/DistributionTemplates.h uniform_kernel,
    core/TransformationHelper.h uniform_real): x = 24 (float32) or 53 (float64) random bits scaled to [0, 1),
    value = fma(x, high - low, low); a value that rounds up to `high` becomes `low`."""
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")
    sampler = _uniform_f64 if dtype == "float64" else _uniform_f32
    values, low, high = sampler(gen, n, low, high)
    if high in values:
        values = [low if v == high else v for v in values]
    return values


def _uniform_f64(gen, n, low, high):
    low, high = float(low), float(high)
    span = _checked_span(high - low, low, high)
    return [_fma((w & _MASK53) * 2.0**-53, span, low) for w in gen._words64(n)], low, high


def _uniform_f32(gen, n, low, high):
    low32, high32 = _to_f32(low), _to_f32(high)
    span = _checked_span(_add_f32([high32], [-low32])[0], low, high)
    step = span * 2.0**-24  # w * step is x*span exactly
    words = gen._words(n, low_24_bits=True)
    if _sums_are_exact(span, low32):
        values = _round_f32([w * step + low32 for w in words])
    else:
        values = _add_f32([w * step for w in words], repeat(low32))
    return values, low32, high32


def _checked_span(span, low, high):
    if math.isinf(span):
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to={high:g} "
            f"and from={low:g} which result in to-from to exceed the limit"
        )
    return span


def _sums_are_exact(span, low):
    """True when every x*span + low (x a 24-bit fraction) is exact in double, so one float32 rounding of the
    double sum is the FMA's rounding. Holds for ranges like (-b, b); fails when |low| dwarfs |span|."""
    if span == 0.0 or low == 0.0:
        return True
    lowest_bit = min(_lowest_bit_exponent(span) - 24, _lowest_bit_exponent(low))
    highest_bit = math.frexp(abs(span) + abs(low))[1]
    return highest_bit - lowest_bit <= 53


def _lowest_bit_exponent(value):
    """e such that 2**e is the lowest set bit of a nonzero float."""
    numerator, denominator = value.as_integer_ratio()  # denominator is a power of two
    return (numerator & -numerator).bit_length() - denominator.bit_length()


# ------------------------------------------------------------------------------------------------------ normal


def normal(gen, n, mean=0.0, std=1.0, dtype="float32", contiguous=True):
    """randn and Tensor.normal_(mean, std) (native/cpu/DistributionTemplates.h normal_kernel).

    A contiguous tensor of 16 or more elements takes the block Box-Muller path (normal_fill, NormalFill16);
    anything else the scalar path (core/DistributionsHelper.h normal_distribution<double>)."""
    mean, std = float(mean), float(std)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if contiguous and n >= 16:
        return _normal_fill(gen, n, mean, std, dtype)
    values = [_scalar_normal(gen, mean, std) for _ in range(n)]
    return values if dtype == "float64" else _round_f32(values)


def _scalar_normal(gen, mean, std):
    """One double normal: the cached partner if there is one, else a fresh Box-Muller pair. Here the FIRST
    uniform is the angle, and log1p(-u2) the radius' log."""
    sample = gen.next_double_normal
    if sample is not None:
        gen.next_double_normal = None
    else:
        u1 = (gen.random64() & _MASK53) * 2.0**-53
        u2 = (gen.random64() & _MASK53) * 2.0**-53
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        gen.next_double_normal = radius * math.sin(theta)
        sample = radius * math.cos(theta)
    return _fma(sample, std, mean)


def _normal_fill(gen, n, mean, std, dtype):
    """Fill all n slots with uniforms, turn each full block of 16 into normals (the first 8 give log(1-u) and
    the cos outputs, the last 8 the angle and the sin outputs). A partial tail block is redone from 16 fresh
    uniforms written over the last 16 slots."""
    uniforms = uniform(gen, n, dtype=dtype)
    blocks = [uniforms[i : i + 16] for i in range(0, n - 15, 16)]
    if n % 16:
        blocks.append(uniform(gen, 16, dtype=dtype))
    firsts = [u for block in blocks for u in block[:8]]
    seconds = [u for block in blocks for u in block[8:]]
    box_muller = _box_muller_f32 if dtype == "float32" else _box_muller_f64
    cos_out, sin_out = box_muller(firsts, seconds, mean, std)
    values = []
    for b in range(len(blocks)):
        values += cos_out[8 * b : 8 * b + 8] + sin_out[8 * b : 8 * b + 8]
    if n % 16:
        values[n - 16 :] = values[-16:]  # the tail block overwrites the end of the last full block
    return values


def _box_muller_f64(firsts, seconds, mean, std):
    """NormalFill16<double>: libm in double, outputs fma(radius*cos, std, mean)."""
    radii = [math.sqrt(-2 * math.log(1 - u)) for u in firsts]
    thetas = [2.0 * math.pi * u for u in seconds]
    cos_out = [_fma(r * math.cos(t), std, mean) for r, t in zip(radii, thetas)]
    sin_out = [_fma(r * math.sin(t), std, mean) for r, t in zip(radii, thetas)]
    return cos_out, sin_out


def _box_muller_f32(firsts, seconds, mean, std):
    """NormalFill16<float> with AVX2: float32 arithmetic with avx_mathfun's log256_ps and sincos256_ps."""
    radii = [math.sqrt(-2.0 * v) for v in _log_f32([1.0 - u for u in firsts])]  # 1 - u, -2*v: exact
    radii = _round_f32(radii)
    sines, cosines = _sincos_f32(_mul_f32(seconds, _TWO_PI))
    mean, std = _to_f32(mean), _to_f32(std)
    cos_out = _fma_f32(_mul_f32(radii, cosines), std, mean)
    sin_out = _fma_f32(_mul_f32(radii, sines), std, mean)
    return cos_out, sin_out


_TWO_PI = _to_f32(2.0 * math.pi)

# native/cpu/avx_mathfun.h constants, as the float32 values the C++ float literals become
(_SQRTHF, _LOG_Q1, _LOG_Q2, _FOPI, _DP1, _DP2, _DP3) = (
    _to_f32(c)
    for c in (
        0.707106781186547524,
        -2.12194440e-4,
        0.693359375,
        1.27323954473516,
        -0.78515625,
        -2.4187564849853515625e-4,
        -3.77489497744594108e-8,
    )
)
_LOG_P = [
    _to_f32(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
]
_SIN_P = [_to_f32(c) for c in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)]
_COS_P = [_to_f32(c) for c in (2.443315711809948e-005, -1.388731625493765e-003, 4.166664568298827e-002)]


def _log_f32(xs):
    """log256_ps for positive normal floats. Where GCC fused a multiply and an add into one FMA, so do we."""
    mantissas, exponents = [], []
    for x in xs:
        m, e = math.frexp(x)  # m in [0.5, 1): the bit-twiddled mantissa of log256_ps
        if m < _SQRTHF:
            mantissas.append(m + m - 1.0)
            exponents.append(float(e - 1))
        else:
            mantissas.append(m - 1.0)
            exponents.append(float(e))
    xs = mantissas
    z = _mul_f32(xs, xs)
    y = _fma_f32(_LOG_P[0], xs, _LOG_P[1])
    for coefficient in _LOG_P[2:]:
        y = _fma_f32(y, xs, coefficient)
    y = _mul_f32(y, xs)
    y = _fma_f32(y, z, _mul_f32(exponents, _LOG_Q1))
    y = _round_f32([a - 0.5 * b for a, b in zip(y, z)])
    xs = _round_f32([a + b for a, b in zip(xs, y)])
    return _round_f32([a + e * _LOG_Q2 for a, e in zip(xs, exponents)])  # e*q2 is exact


def _sincos_f32(xs):
    """sincos256_ps for non-negative x (the Box-Muller angle): Cephes range reduction by pi/4, two
    polynomials, quadrant swap and sign."""
    octants = [(int(y) + 1) & ~1 for y in _mul_f32(xs, _FOPI)]
    js = [float(j) for j in octants]
    for dp in (_DP1, _DP2, _DP3):
        xs = _fma_f32(js, dp, xs)
    z = _mul_f32(xs, xs)
    cos_poly = _fma_f32(_COS_P[0], z, _COS_P[1])
    cos_poly = _fma_f32(cos_poly, z, _COS_P[2])
    cos_poly = _mul_f32(cos_poly, z)
    cos_poly = _fma_f32(cos_poly, z, [-0.5 * v for v in z])
    cos_poly = _round_f32([v + 1.0 for v in cos_poly])
    sin_poly = _fma_f32(_SIN_P[0], z, _SIN_P[1])
    sin_poly = _fma_f32(sin_poly, z, _SIN_P[2])
    sin_poly = _mul_f32(sin_poly, z)
    sin_poly = _fma_f32(sin_poly, xs, xs)
    sines, cosines = [], []
    for j, c, s in zip(octants, cos_poly, sin_poly):
        if j & 2:
            c, s = s, c
        sines.append(-s if j & 4 else s)
        cosines.append(c if (j - 2) & 4 else -c)
    return sines, cosines


# --------------------------------------------------------------------------------------- integers and coins


def randint(gen, n, low, high):
    """torch.randint / random_(low, high) (core/DistributionsHelper.h uniform_int_from_to_distribution):
    value = draw % (high - low) + low, the draw being random64() from a range of 2**28 up, else random()."""
    span = high - low
    if span <= 0:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    draws = gen._words64(n) if span >= 1 << 28 else gen._words(n)
    return [d % span + low for d in draws]


def randperm(gen, n):
    """torch.randperm (native/TensorFactories.cpp randperm_cpu): a Fisher-Yates shuffle, n-1 random() draws."""
    if n >= 0xFFFFFFFF // 20:
        raise NotImplementedError(
            "torch.randperm with n >= 214748364 is not available in the in-browser runtime; run this snippet locally"
        )
    perm = list(range(n))
    for i, draw in enumerate(gen._words(max(n - 1, 0))):
        z = i + draw % (n - i)
        perm[i], perm[z] = perm[z], perm[i]
    return perm


def bernoulli(gen, n, p):
    """Tensor.bernoulli_(p) with a scalar p (native/cpu/DistributionTemplates.h bernoulli_kernel): 1.0 where a
    53-bit double uniform is below p. F.dropout(x, q) draws bernoulli_(1 - q). Public wheels run this kernel
    on every CPU: the MKL (VSL) variant in native/cpu/DistributionKernels.cpp is compiled only into FBCODE builds."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    threshold = float(p) * 2.0**53  # u < p  <=>  (draw & MASK53) < p * 2**53, an exact scaling
    return [1.0 if (d & _MASK53) < threshold else 0.0 for d in gen._words64(n)]


_SQRT5 = math.sqrt(5)


def kaiming_uniform_bound(fan_in, a=_SQRT5):
    """The bound of init.kaiming_uniform_(w, a) for leaky_relu, in torch/nn/init.py's order of operations."""
    gain = math.sqrt(2.0 / (1 + a**2))
    std = gain / math.sqrt(fan_in)
    return math.sqrt(3.0) * std
