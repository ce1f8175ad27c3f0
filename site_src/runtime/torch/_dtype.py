"""dtypes: bool, uint8, int8, int16, int32, int64, float32 (the default), float64, with PyTorch's type promotion,
C-like casts, torch.iinfo / torch.finfo and the default dtype. float16, bfloat16 and the complex dtypes exist as
names (for promotion and dtype checks) but no tensor of them can be made in the browser."""

import builtins
import math
from array import array

from ._unsupported import unsupported


class dtype:
    def __init__(self, name, typecode, category, bits, signed=True, word=None, ctype=None, legacy=None):
        self.name = name
        self.typecode = typecode  # array module typecode of the storage; bool storage is a list of bools
        self.category = category  # 0 bool, 1 integer, 2 floating, 3 complex: promotion compares these first
        self.bits = bits
        self.is_floating_point = category == 2
        self.is_complex = category == 3
        self.is_signed = signed
        self.itemsize = max(bits // 8, 1)
        self.word = word  # how ATen names it in messages: Float, Long, Byte, ...
        self.ctype = ctype  # the C++ type Scalar::to<T>() names in its overflow message
        self.legacy = legacy  # Tensor.type(): torch.FloatTensor
        self.supported = typecode is not None or category == 0
        if category == 1:
            self.min, self.max = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)

    def cast(self, value):
        """A Python value converted as ATen converts an element to this dtype (c10::static_cast_with_inter_type)."""
        if self.category == 2:
            if type(value) is int and not -(1 << 53) <= value <= 1 << 53 and self.bits == 32:
                return _int_to_float32(value)  # int64 -> float rounds once in C; float(value) would round twice
            return float(value)
        if self.category == 1:
            if type(value) is float:
                return self._from_float(value)
            return self.wrap(int(value))
        return builtins.bool(value)

    def wrap(self, value):
        """An integer reduced modulo 2**bits into this dtype's range, as C's two's complement conversion does."""
        if self.min <= value <= self.max:
            return value
        value &= (1 << self.bits) - 1
        return value - (1 << self.bits) if self.is_signed and value > self.max else value

    def _from_float(self, value):
        # x86-64: float -> int64 is cvttsd2si (out of range and NaN give INT64_MIN); int8/int16/int32 convert
        # through int32 (INT32_MIN when out of range), uint8 through int64, then keep the low bits.
        via = 64 if self.bits == 64 or not self.is_signed else 32
        if value != value or not -(2.0 ** (via - 1)) <= value < 2.0 ** (via - 1):
            value = -(1 << (via - 1))
        return self.wrap(int(value))

    def to_float(self):
        """The dtype int / int division and other float-valued ops give: itself if floating, else the default."""
        return self if self.category >= 2 else _default[0]

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name


dtype.__module__ = "torch"

bool = dtype("bool", None, 0, 8, signed=False, word="Bool", ctype="bool", legacy="torch.BoolTensor")
uint8 = dtype("uint8", "B", 1, 8, signed=False, word="Byte", ctype="uint8_t", legacy="torch.ByteTensor")
int8 = dtype("int8", "b", 1, 8, word="Char", ctype="int8_t", legacy="torch.CharTensor")
int16 = dtype("int16", "h", 1, 16, word="Short", ctype="int16_t", legacy="torch.ShortTensor")
int32 = dtype("int32", "i", 1, 32, word="Int", ctype="int", legacy="torch.IntTensor")
int64 = dtype("int64", "q", 1, 64, word="Long", ctype="int64_t", legacy="torch.LongTensor")
float16 = dtype("float16", None, 2, 16, word="Half", ctype="c10::Half", legacy="torch.HalfTensor")
bfloat16 = dtype("bfloat16", None, 2, 16, word="BFloat16", ctype="c10::BFloat16", legacy="torch.BFloat16Tensor")
float32 = dtype("float32", "f", 2, 32, word="Float", ctype="float", legacy="torch.FloatTensor")
float64 = dtype("float64", "d", 2, 64, word="Double", ctype="double", legacy="torch.DoubleTensor")
complex64 = dtype(
    "complex64", None, 3, 64, word="ComplexFloat", ctype="c10::complex<float>", legacy="torch.ComplexFloatTensor"
)
complex128 = dtype(
    "complex128", None, 3, 128, word="ComplexDouble", ctype="c10::complex<double>", legacy="torch.ComplexDoubleTensor"
)
assert array("i").itemsize == 4 and array("h").itemsize == 2  # int32 is 'i' on every platform Pyodide runs on

DTYPES = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
BY_LEGACY_NAME = {d.legacy: d for d in DTYPES}
# the other names torch gives them: torch.int, torch.half, torch.cfloat, ...
ALIASES = {
    "half": float16,
    "float": float32,
    "double": float64,
    "short": int16,
    "int": int32,
    "long": int64,
    "cfloat": complex64,
    "cdouble": complex128,
    "chalf": None,
}


def _int_to_float32(value):
    """The float32 nearest an integer (ties to even), rounded once."""
    candidate = array("f", (float(value),))[0]
    below, above = (candidate, _next_f32(candidate, 1)) if candidate < value else (_next_f32(candidate, -1), candidate)
    distance_below, distance_above = value - int(below), int(above) - value
    if distance_below != distance_above:
        return below if distance_below < distance_above else above
    return below if array("f", (below,)).tobytes()[0] % 2 == 0 else above


def _next_f32(x, direction):
    bits = array("i", array("f", (x,)).tobytes())[0]
    bits += direction if x >= 0 else -direction
    return array("f", array("i", (bits,)).tobytes())[0]


def checked(value, dtype, name=None):
    """value converted to dtype as ATen's checked_convert does (torch.tensor(data, dtype=...), torch.full, fill_):
    a RuntimeError where it does not fit. `name` is what the message calls the type (torch.full says uint8_t)."""
    name = name or dtype.name
    overflow = RuntimeError(f"value cannot be converted to type {name} without overflow")
    if type(value) is builtins.bool or dtype.category == 0:
        return dtype.cast(value)
    if dtype.category == 1:
        if type(value) is float:
            if value != value or value < dtype.min or value > dtype.max:
                raise overflow
        elif value > dtype.max or value < (dtype.min if dtype.is_signed else -dtype.max):
            raise overflow  # unsigned types let negative numbers down to -max wrap, as in C
        return dtype.cast(value)
    if type(value) is float and dtype.bits == 32 and math.isfinite(value) and builtins.abs(value) > _FLOAT32_MAX:
        raise overflow
    return float(value)


_FLOAT32_MAX = 3.4028234663852886e38


def check_supported(dtype):
    if not dtype.supported:
        raise unsupported(f"a tensor of dtype torch.{dtype.name}")
    return dtype


# ---- the default dtype ----------------------------------------------------------------------------------------------
_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    check_supported(d)
    _default[0] = d
    from . import _tensor_str  # (printing leaves out `dtype=` for the default dtype)

    _tensor_str.DEFAULT_FLOAT[0] = d.name


def _default_of_category(category):
    if category == 3:
        return complex128 if _default[0] is float64 else complex64
    return (bool, int64, _default[0])[category]


def scalar_dtype(value):
    """The dtype a Python number takes on its own (torch.tensor(3.5) is the default float dtype)."""
    if type(value) is builtins.bool:
        return bool
    if isinstance(value, int):
        return int64
    return _default_of_category(3 if isinstance(value, complex) else 2)


# ---- promotion ------------------------------------------------------------------------------------------------------
def promote_types(type1, type2):
    """torch.promote_types: the smallest dtype both convert to without losing their category."""
    if type1 is type2:
        return type1
    if type1.category != type2.category:
        low, high = sorted((type1, type2), key=lambda d: d.category)
        if high.category == 3 and low.category == 2 and low.bits > high.bits // 2:
            return complex128  # float64 with complex64
        return high
    if type1.category == 1:
        if {type1, type2} == {uint8, int8}:
            return int16
        return max(type1, type2, key=lambda d: d.bits)
    if {type1, type2} == {float16, bfloat16}:
        return float32
    return max(type1, type2, key=lambda d: d.bits)


def result_type(*operands):
    """PyTorch's promotion: dimensioned tensors decide, then 0-dim tensors, then Python numbers,
    each later group only when it is of a higher category (bool < integer < floating < complex)."""
    dtype = getattr(operands[0], "dtype", None)
    if dtype is not None and all(getattr(op, "dtype", None) is dtype for op in operands[1:]):
        return dtype  # tensors of one dtype (the common case): nothing to promote
    if len(operands) == 2 and dtype is not None and dtype.category == 2 and type(operands[1]) in (int, float, bool):
        return dtype  # a float tensor with a real number, the other common case: the tensor's dtype
    dims, zero_dims, scalars = [], [], []
    for op in operands:
        if hasattr(op, "dtype"):
            (dims if op.dim() else zero_dims).append(op.dtype)
        else:
            scalars.append(scalar_dtype(op))
    result = None
    for group in (dims, zero_dims, scalars):
        if group:
            best = group[0]
            for d in group[1:]:
                best = promote_types(best, d)
            if group is scalars:
                best = _default_of_category(best.category)
            if result is None or best.category > result.category:
                result = best
    return result


def can_cast(from_, to):
    """torch.can_cast: whether a cast goes down no category (float to int, complex to float, to bool)."""
    if from_.category > to.category and not (to.category == 0 and from_.category == 0):
        return False
    return True


# ---- iinfo and finfo ------------------------------------------------------------------------------------------------
class iinfo:
    def __init__(self, type):
        if type is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.category != 1:  # (PyTorch's message names torch.iinfo where it means the type)
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        self.bits, self.min, self.max = type.bits, type.min, type.max
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"


iinfo.__module__ = "torch"

# bits, eps, max, tiny (smallest normal), resolution (10 ** -decimal digits)
_FINFO = {
    "float16": (16, 2.0**-10, 65504.0, 2.0**-14, 0.001),
    "bfloat16": (16, 2.0**-7, 3.3895313892515355e38, 2.0**-126, 0.01),
    "float32": (32, 2.0**-23, _FLOAT32_MAX, 2.0**-126, 1e-06),
    "float64": (64, 2.0**-52, 1.7976931348623157e308, 2.0**-1022, 1e-15),
}


class finfo:
    def __init__(self, type=None):
        type = type or _default[0]
        if type.category == 3:
            type = float32 if type is complex64 else float64
        if type.category != 2:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'"
            )
        self.bits, self.eps, self.max, self.tiny, self.resolution = _FINFO[type.name]
        self.min, self.smallest_normal, self.dtype = -self.max, self.tiny, type.name

    def __repr__(self):
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
            f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})"
        )


finfo.__module__ = "torch"
