"""dtypes of the runtime against real PyTorch: attributes, promotion, C-like casts, integer arithmetic, printing,
iinfo/finfo, legacy type names, the default dtype, and the refusal of dtypes the browser cannot hold."""

import math
import warnings

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

NAMES = [
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
]
STORED = ["bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64"]
INTEGERS = ["uint8", "int8", "int16", "int32", "int64"]


def same(ours, real):
    """Same dtype, shape and exactly the same elements (NaN equal to NaN)."""
    assert ours.dtype.name == str(real.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(real.shape)
    a, b = ours.tolist(), real.tolist()
    assert _flat(a) == _flat(b) or all(x == y or (x != x and y != y) for x, y in zip(_flat(a), _flat(b)))


def _flat(values):
    return [v for item in values for v in _flat(item)] if isinstance(values, list) else [values]


def raises_same(our_call, real_call):
    with pytest.raises(Exception) as real:
        real_call()
    with pytest.raises(type(real.value)) as ours:
        our_call()
    assert str(ours.value) == str(real.value)


@pytest.fixture
def default_float64(bt):
    torch.set_default_dtype(torch.float64)
    bt.set_default_dtype(bt.float64)
    yield
    torch.set_default_dtype(torch.float32)
    bt.set_default_dtype(bt.float32)


# ---- the dtype objects ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_dtype_attributes_and_names(bt, name):
    ours, real = getattr(bt, name), getattr(torch, name)
    assert (ours.is_floating_point, ours.is_signed, ours.itemsize, ours.is_complex) == (
        real.is_floating_point,
        real.is_signed,
        real.itemsize,
        real.is_complex,
    )
    assert repr(ours) == repr(real) and str(ours) == str(real)


def test_aliases(bt):
    for alias in ["float", "double", "long", "int", "short", "half", "cfloat", "cdouble"]:
        assert repr(getattr(bt, alias)) == repr(getattr(torch, alias))


@pytest.mark.parametrize("first", NAMES)
def test_promote_types_and_can_cast_for_every_pair(bt, first):
    for second in NAMES:
        ours = bt.promote_types(getattr(bt, first), getattr(bt, second))
        assert repr(ours) == repr(torch.promote_types(getattr(torch, first), getattr(torch, second)))
        assert bt.can_cast(getattr(bt, first), getattr(bt, second)) == torch.can_cast(
            getattr(torch, first), getattr(torch, second)
        )


OPERANDS = [
    ("tensor", "uint8"),
    ("tensor", "int8"),
    ("tensor", "int32"),
    ("tensor", "float64"),
    ("tensor", "bool"),
    ("zero_dim", "float64"),
    ("zero_dim", "int16"),
    ("zero_dim", "bool"),
    ("number", 2),
    ("number", 2.5),
    ("number", True),
]


def _operand(lib, kind, value):
    if kind == "number":
        return value
    t = lib.ones(3, dtype=getattr(lib, value))
    return t if kind == "tensor" else t.sum().to(getattr(lib, value))


@pytest.mark.parametrize("first", OPERANDS, ids=str)
def test_result_type_of_tensors_zero_dim_tensors_and_numbers(bt, first):
    for second in OPERANDS:
        real = (
            torch.result_type(_operand(torch, *first), _operand(torch, *second))
            if first[0] != "number" or second[0] != "number"
            else None
        )
        if real is None:
            continue
        ours = bt.result_type(_operand(bt, *first), _operand(bt, *second))
        assert repr(ours) == repr(real), (first, second)
        if first[0] == "tensor" and "bool" not in (first[1], second[1]):
            same(_operand(bt, *first) + _operand(bt, *second), _operand(torch, *first) + _operand(torch, *second))


# ---- casts ----------------------------------------------------------------------------------------------------------
SPECIAL_FLOATS = [
    math.nan,
    math.inf,
    -math.inf,
    1e10,
    -1e10,
    200.7,
    -3.9,
    3e9,
    2147483648.0,
    -2147483649.0,
    65541.0,
    4294967303.0,
    -70000.5,
    1e19,
    9.3e18,
    -0.0,
    255.5,
    0.99,
]


@pytest.mark.parametrize("source", ["float32", "float64"])
@pytest.mark.parametrize("target", STORED)
def test_float_to_any_cast_is_the_c_conversion_torch_does(bt, source, target):
    values = SPECIAL_FLOATS
    real = torch.tensor(values, dtype=getattr(torch, source)).to(getattr(torch, target))
    same(bt.tensor(values, dtype=getattr(bt, source)).to(getattr(bt, target)), real)


@SETTINGS
@given(
    values=st.lists(st.integers(-(2**63), 2**63 - 1) | st.integers(-70000, 70000), min_size=1, max_size=8),
    target=st.sampled_from(STORED),
)
def test_int64_to_any_cast_wraps_like_c(bt, values, target):
    same(bt.tensor(values).to(getattr(bt, target)), torch.tensor(values).to(getattr(torch, target)))


@SETTINGS
@given(
    values=st.lists(st.floats(-1e6, 1e6, width=32), min_size=1, max_size=8),
    source=st.sampled_from(STORED),
    target=st.sampled_from(STORED),
)
def test_cast_between_stored_dtypes(bt, values, source, target):
    real = torch.tensor(values).to(getattr(torch, source))
    ours = bt.tensor(values).to(getattr(bt, source))
    same(ours, real)
    same(ours.to(getattr(bt, target)), real.to(getattr(torch, target)))


@pytest.mark.parametrize("method", ["int", "short", "char", "byte", "long", "double", "float", "bool"])
def test_conversion_methods(bt, method):
    values = [-300.5, -1.5, 0.0, 2.7, 200.0, 1e5]
    same(getattr(bt.tensor(values), method)(), getattr(torch.tensor(values), method)())


def test_type_names_and_type_conversions(bt):
    for name in STORED:
        assert bt.zeros(1, dtype=getattr(bt, name)).type() == torch.zeros(1, dtype=getattr(torch, name)).type()
    x, y = bt.tensor([1.7, -2.2]), torch.tensor([1.7, -2.2])
    for legacy in [
        "torch.IntTensor",
        "torch.ShortTensor",
        "torch.ByteTensor",
        "torch.CharTensor",
        "torch.LongTensor",
        "torch.DoubleTensor",
        "torch.FloatTensor",
        "torch.BoolTensor",
    ]:
        same(x.type(legacy), y.type(legacy))
    same(x.type(bt.int16), y.type(torch.int16))
    same(x.type_as(bt.tensor([1], dtype=bt.int8)), y.type_as(torch.tensor([1], dtype=torch.int8)))
    same(x.to(bt.tensor([1], dtype=bt.int32)), y.to(torch.tensor([1], dtype=torch.int32)))
    assert x.to(bt.float32) is x


def test_large_int64_to_float32_rounds_once(bt):
    values = [2**60 + 2**36 + 1, -(2**62) - 2**38 - 1, 2**53 + 1, 2**63 - 1, 16777217]
    same(bt.tensor(values).float(), torch.tensor(values).float())


# ---- checked conversions of Python numbers ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "value,name",
    [
        (300, "uint8"),
        (-1, "uint8"),
        (-255, "uint8"),
        (-256, "uint8"),
        (-129, "int8"),
        (127, "int8"),
        (2**40, "int32"),
        (2.5e10, "int32"),
        (1e300, "int64"),
        (math.nan, "int32"),
        (3.7, "uint8"),
        (300.5, "uint8"),
        (-1.5, "uint8"),
        (math.inf, "int64"),
        (2**63, "int64"),
        (True, "uint8"),
        (1.5e300, "float32"),
        (-(2**15) - 1, "int16"),
    ],
)
def test_tensor_data_is_range_checked_like_torch(bt, value, name):
    try:
        real = torch.tensor([value], dtype=getattr(torch, name))
    except Exception:
        raises_same(
            lambda: bt.tensor([value], dtype=getattr(bt, name)),
            lambda: torch.tensor([value], dtype=getattr(torch, name)),
        )
        return
    same(bt.tensor([value], dtype=getattr(bt, name)), real)


@pytest.mark.parametrize(
    "value,name",
    [
        (300, "uint8"),
        (-1, "uint8"),
        (2.5, "int32"),
        (1e10, "int32"),
        (math.nan, "int32"),
        (1e300, "float32"),
        (math.inf, "float32"),
        (70000, "int16"),
        (-200, "int8"),
        (2**40, "int64"),
        (5, "bool"),
    ],
)
def test_full_and_fill_are_range_checked_with_the_c_type_name(bt, value, name):
    for ours_call, real_call in [
        (
            lambda: bt.full((2,), value, dtype=getattr(bt, name)),
            lambda: torch.full((2,), value, dtype=getattr(torch, name)),
        ),
        (
            lambda: bt.zeros(2, dtype=getattr(bt, name)).fill_(value),
            lambda: torch.zeros(2, dtype=getattr(torch, name)).fill_(value),
        ),
    ]:
        try:
            real = real_call()
        except Exception:
            raises_same(ours_call, real_call)
            continue
        same(ours_call(), real)


# ---- integer arithmetic ------------------------------------------------------------------------------------------
INT_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "lt": lambda a, b: a < b,
    "eq": lambda a, b: a == b,
}


@pytest.mark.parametrize("op", INT_OPS)
@pytest.mark.parametrize("name", INTEGERS)
@SETTINGS
@given(data=st.data())
def test_integer_arithmetic_wraps_and_promotes(bt, op, name, data):
    info = torch.iinfo(getattr(torch, name))
    ints = st.integers(info.min, info.max)
    a = data.draw(st.lists(ints, min_size=1, max_size=6))
    b = data.draw(st.lists(ints.filter(bool) if op in ("floordiv", "mod") else ints, min_size=len(a), max_size=len(a)))
    scalar = data.draw(st.integers(-300, 300).filter(bool) | st.floats(-4, 4).filter(bool))
    real_a, real_b = (torch.tensor(v, dtype=getattr(torch, name)) for v in (a, b))
    our_a, our_b = (bt.tensor(v, dtype=getattr(bt, name)) for v in (a, b))
    same(INT_OPS[op](our_a, our_b), INT_OPS[op](real_a, real_b))
    if op in ("add", "sub", "mul", "div", "lt", "eq"):
        same(INT_OPS[op](our_a, scalar), INT_OPS[op](real_a, scalar))


def test_in_place_integer_ops_wrap(bt):
    ours, real = bt.tensor([250, 3], dtype=bt.uint8), torch.tensor([250, 3], dtype=torch.uint8)
    ours += 10
    real += 10
    same(ours, real)
    ours, real = bt.tensor([2**31 - 1], dtype=bt.int32), torch.tensor([2**31 - 1], dtype=torch.int32)
    ours.mul_(3)
    real.mul_(3)
    same(ours, real)
    raises_same(
        lambda: bt.tensor([1], dtype=bt.int32).add_(1.5), lambda: torch.tensor([1], dtype=torch.int32).add_(1.5)
    )


# ---- printing -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", STORED)
def test_repr_of_every_dtype(bt, name):
    values = [[0, 1, 2], [3, -4, 100]] if name != "bool" else [[True, False, True], [False, False, True]]
    assert repr(bt.tensor(values, dtype=getattr(bt, name))) == repr(torch.tensor(values, dtype=getattr(torch, name)))
    assert repr(bt.zeros(0, dtype=getattr(bt, name))) == repr(torch.zeros(0, dtype=getattr(torch, name)))
    assert repr(bt.tensor(7, dtype=getattr(bt, name))) == repr(torch.tensor(7, dtype=getattr(torch, name)))


def test_repr_under_float64_default(bt, default_float64):
    for lib in (bt, torch):
        lib.manual_seed(0)
    for make in [
        lambda lib: lib.tensor([1.5, 2.25]),
        lambda lib: lib.tensor([1.5, 2.25], dtype=lib.float32),
        lambda lib: lib.zeros(0),
        lambda lib: lib.zeros(0, dtype=lib.float32),
        lambda lib: lib.randn(3),
    ]:
        assert repr(make(bt)) == repr(make(torch))


# ---- iinfo and finfo -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", INTEGERS)
def test_iinfo(bt, name):
    ours, real = bt.iinfo(getattr(bt, name)), torch.iinfo(getattr(torch, name))
    assert (ours.bits, ours.min, ours.max, ours.dtype) == (real.bits, real.min, real.max, real.dtype)
    assert repr(ours) == repr(real)


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64", "complex64", "complex128", None])
def test_finfo(bt, name):
    ours, real = (
        (bt.finfo(getattr(bt, name)), torch.finfo(getattr(torch, name))) if name else (bt.finfo(), torch.finfo())
    )
    for attribute in ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]:
        assert getattr(ours, attribute) == getattr(real, attribute), attribute
    assert repr(ours) == repr(real)


def test_info_errors(bt):
    raises_same(lambda: bt.iinfo(bt.float32), lambda: torch.iinfo(torch.float32))
    raises_same(lambda: bt.iinfo(bt.bool), lambda: torch.iinfo(torch.bool))
    raises_same(lambda: bt.finfo(bt.int32), lambda: torch.finfo(torch.int32))


# ---- the default dtype ----------------------------------------------------------------------------------------------
def test_default_dtype_flows_into_factories_and_layers(bt, default_float64):
    assert bt.get_default_dtype() is bt.float64
    cases = [
        lambda lib: lib.tensor(1.5),
        lambda lib: lib.tensor([1, 2.5]),
        lambda lib: lib.zeros(2),
        lambda lib: lib.ones(2, 2),
        lambda lib: lib.empty(2).zero_(),
        lambda lib: lib.full((2,), 1.5),
        lambda lib: lib.arange(0.5, 3),
        lambda lib: lib.arange(4),
        lambda lib: lib.linspace(0, 1, 7),
        lambda lib: lib.logspace(0, 1, 4),
        lambda lib: lib.eye(2),
        lambda lib: lib.Tensor([1, 2]),
        lambda lib: lib.tensor([7, 2]) / lib.tensor([2, 4]),
        lambda lib: lib.tensor([1, 2]) * 0.1,
        lambda lib: lib.rand(5),
        lambda lib: lib.randn(20),
        lambda lib: lib.randn(3),
        lambda lib: lib.nn.Linear(3, 2).weight.detach(),
        lambda lib: lib.nn.Linear(3, 2).bias.detach(),
    ]
    for case in cases:
        torch.manual_seed(7)
        bt.manual_seed(7)
        same(case(bt), case(torch))


def test_default_dtype_errors_and_devices(bt):
    raises_same(lambda: bt.set_default_dtype(bt.int32), lambda: torch.set_default_dtype(torch.int32))
    with pytest.raises(NotImplementedError, match="float16"):
        bt.set_default_dtype(bt.float16)
    bt.set_default_device("cpu")
    assert repr(bt.get_default_device()) == repr(torch.get_default_device())
    with pytest.raises(NotImplementedError, match="cuda"):
        bt.set_default_device("cuda")
    assert bt.get_default_dtype() is bt.float32


# ---- dtypes the browser cannot hold --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda bt: bt.zeros(2, dtype=bt.float16),
        lambda bt: bt.tensor([1.0]).half(),
        lambda bt: bt.tensor([1.0], dtype=bt.bfloat16),
        lambda bt: bt.ones(1).bfloat16(),
        lambda bt: bt.full((1,), 2.0, dtype=bt.float16),
        lambda bt: bt.tensor([1.0]).to(bt.complex64),
        lambda bt: bt.arange(3, dtype=bt.float16),
        lambda bt: bt.rand(2, dtype=bt.float16),
        lambda bt: bt.tensor([1.0]).type("torch.HalfTensor"),
    ],
)
def test_half_bfloat16_and_complex_tensors_are_refused_by_name(bt, make):
    with pytest.raises(
        NotImplementedError, match=r"a tensor of dtype torch\.(float16|bfloat16|complex64) is not available"
    ):
        make(bt)


def test_python_dtype_introspection(bt):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bt.tensor([1], dtype=bt.int16).element_size() == 2
        assert bt.tensor([1], dtype=bt.uint8).is_floating_point() is False
        assert bt.tensor([1.0], dtype=bt.float64).item() == 1.0
        assert bt.tensor([3], dtype=bt.int8).item() == 3 and isinstance(bt.tensor([3], dtype=bt.int8).item(), int)
        assert bt.tensor([[1, 2]], dtype=bt.int32).tolist() == [[1, 2]]
