"""Tensor factories of the runtime against real PyTorch: torch.tensor's dtype inference and errors, filled and
range factories with every dtype (arange/linspace/logspace bit for bit), *_like and new_*, seeded random factories
with generator=, normal with tensor arguments, bernoulli, multinomial, exponential_, geometric_, and the torch-level
utilities."""

import math
import warnings

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
STORED = ["bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64"]


def same(ours, real):
    """Same dtype, shape and exactly the same elements (NaN equal to NaN), and the same printed text."""
    assert ours.dtype.name == str(real.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(real.shape)
    a, b = _flat(ours.tolist()), _flat(real.tolist())
    assert all(x == y or (x != x and y != y) for x, y in zip(a, b)) and len(a) == len(b), (a, b)
    assert repr(ours) == repr(real)


def _flat(values):
    return [v for item in values for v in _flat(item)] if isinstance(values, list) else [values]


def both(bt, make, seed=None):
    """make(lib) for both libraries, each after manual_seed(seed) when a seed is given."""
    results = []
    for lib in (bt, torch):
        if seed is not None:
            lib.manual_seed(seed)
        results.append(make(lib))
    return results


def check(bt, make, seed=None):
    """make(lib) gives the same tensor in both libraries, or the same error type and message."""
    if seed is not None:
        torch.manual_seed(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            real = make(torch)
    except Exception as error:
        if seed is not None:
            bt.manual_seed(seed)
        with pytest.raises(type(error)) as ours:
            make(bt)
        assert str(ours.value) == str(error)
        return
    if seed is not None:
        bt.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = make(bt)
    if isinstance(real, torch.Tensor):
        same(ours, real)
    else:
        assert ours == real


# ---- torch.tensor ---------------------------------------------------------------------------------------------------
DATA = [
    [True, 1, 2.5],
    [True, 1],
    [True, False],
    [[1, 2], [3, 4.0]],
    3,
    3.0,
    True,
    [],
    [[]],
    [[], []],
    (1, 2),
    range(4),
    [[1, 2], [3]],
    [[1, 2], 3],
    [1, [2]],
    [1, "a"],
    [1, None],
    [2**63],
    [2**63 - 1],
    [-(2**63)],
    [1e300],
    [[[1], [2]], [[3], [4]]],
]


@pytest.mark.parametrize("data", DATA, ids=repr)
def test_tensor_infers_dtype_and_shape(bt, data):
    check(bt, lambda lib: lib.tensor(data))


@pytest.mark.parametrize("data", [[1.5, -2.7], [300, -1], [True, 2], [[1, 2]], [2.0**40]], ids=repr)
@pytest.mark.parametrize("dtype", STORED)
def test_tensor_with_every_dtype(bt, data, dtype):
    check(bt, lambda lib: lib.tensor(data, dtype=getattr(lib, dtype)))


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.tensor([lib.tensor(1.0), lib.tensor(2.0)]),
        lambda lib: lib.tensor([lib.tensor(1, dtype=lib.int32), 2.5]),
        lambda lib: lib.tensor([lib.tensor(1, dtype=lib.int32), lib.tensor(2)]),
        lambda lib: lib.tensor([lib.tensor([1], dtype=lib.int32)]),
        lambda lib: lib.tensor([1, lib.tensor(2.0, dtype=lib.float64)]),
        lambda lib: lib.tensor([lib.tensor([1.0]), lib.tensor([2.0])]),
        lambda lib: lib.tensor([lib.tensor([1.0, 2.0])]),
        lambda lib: lib.tensor([lib.tensor([1, 2]), lib.tensor([3, 4])]),
        lambda lib: lib.tensor([[lib.tensor(1), lib.tensor(2)]]),
        lambda lib: lib.tensor(lib.tensor([1, 2])),
        lambda lib: lib.tensor(lib.tensor([1.5, 2]), dtype=lib.int32),
    ],
    ids=range(11),
)
def test_tensor_of_tensors(bt, make):
    check(bt, make)


def test_tensor_copy_warning_and_as_tensor(bt):
    source = bt.tensor([1.0, 2.0])
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        copy = bt.tensor(source)
    assert copy is not source and copy.tolist() == source.tolist()
    assert bt.as_tensor(source) is source and bt.as_tensor(source, dtype=bt.float32) is source
    check(bt, lambda lib: lib.as_tensor([1, 2]))
    check(bt, lambda lib: lib.as_tensor(lib.tensor([1, 2]), dtype=lib.float32))
    check(bt, lambda lib: lib.tensor([1.0], requires_grad=True))


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.Tensor(),
        lambda lib: lib.Tensor(2, 3).zero_(),
        lambda lib: lib.Tensor([1, 2]),
        lambda lib: lib.Tensor([[True, 2.5]]),
        lambda lib: lib.Tensor(lib.Size([2])).zero_(),
        lambda lib: lib.Tensor(-2),
    ],
    ids=range(6),
)
def test_legacy_constructor(bt, make):
    check(bt, make)


# ---- filled factories ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", STORED + [None])
def test_filled_factories_with_every_dtype(bt, dtype):
    def kw(lib):
        return {} if dtype is None else {"dtype": getattr(lib, dtype)}

    for make in [
        lambda lib: lib.zeros(2, 3, **kw(lib)),
        lambda lib: lib.ones((2,), **kw(lib)),
        lambda lib: lib.empty([0], **kw(lib)),
        lambda lib: lib.zeros(0, 3, **kw(lib)),
        lambda lib: lib.full((2, 2), 7, **kw(lib)),
        lambda lib: lib.full((3,), True, **kw(lib)),
        lambda lib: lib.full((1,), -2.5, **kw(lib)),
        lambda lib: lib.zeros((), **kw(lib)),
        lambda lib: lib.eye(3, **kw(lib)),
        lambda lib: lib.eye(2, 4, **kw(lib)),
        lambda lib: lib.eye(3, 2, **kw(lib)),
        lambda lib: lib.eye(0, **kw(lib)),
        lambda lib: lib.zeros_like(lib.tensor([1.0, 2.0]), **kw(lib)),
        lambda lib: lib.ones_like(lib.tensor([[1, 2]]), **kw(lib)),
        lambda lib: lib.empty_like(lib.tensor([True]), **kw(lib)).zero_(),
        lambda lib: lib.full_like(lib.tensor([1, 2]), 3, **kw(lib)),
        lambda lib: lib.tensor([1.5]).new_zeros(2, **kw(lib)),
        lambda lib: lib.tensor([1.5]).new_ones((2, 1), **kw(lib)),
        lambda lib: lib.tensor([1.5]).new_empty(2, **kw(lib)).zero_(),
        lambda lib: lib.tensor([1], dtype=lib.int8).new_full((2,), 5, **kw(lib)),
        lambda lib: lib.tensor([1], dtype=lib.int16).new_tensor([3, 4], **kw(lib)),
    ]:
        check(bt, make)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.zeros(-1, 2),
        lambda lib: lib.ones(-2),
        lambda lib: lib.empty(-2),
        lambda lib: lib.full((-2,), 1.0),
        lambda lib: lib.rand(-2),
        lambda lib: lib.zeros((2, -3)),
        lambda lib: lib.eye(-1),
        lambda lib: lib.eye(3, -1),
    ],
    ids=range(8),
)
def test_factory_errors(bt, make):
    check(bt, make)


# ---- ranges ---------------------------------------------------------------------------------------------------------
@SETTINGS
@given(
    start=st.floats(-50, 50) | st.integers(-50, 50),
    length=st.integers(0, 300),
    step=st.sampled_from([0.1, 0.25, 1 / 3, 0.7, 1, 2, -0.3, -1]) | st.floats(0.01, 3),
    dtype=st.sampled_from(["float32", "float64", None]),
)
def test_arange_is_bit_exact(bt, start, length, step, dtype):
    end = start + step * length
    check(bt, lambda lib: lib.arange(start, end, step, **({"dtype": getattr(lib, dtype)} if dtype else {})))


@pytest.mark.parametrize(
    "args,dtype",
    [
        ((5,), None),
        ((2, 9, 3), None),
        ((0, 5.5, 1.5), "int64"),
        ((0, 5.5, 1.5), "int32"),
        ((-2.5, 5, 1.5), "int64"),
        ((5, 0, -1), "int8"),
        ((0, 300), "uint8"),
        ((0, 10, 0), None),
        ((10, 0), None),
        ((0, math.inf), None),
        ((0, 5, 0.5), "int64"),
        ((0.5, 3), None),
        ((0, 1, 0.1), "float64"),
        ((3,), "bool"),
    ],
    ids=str,
)
def test_arange_integer_dtypes_and_errors(bt, args, dtype):
    check(bt, lambda lib: lib.arange(*args, **({"dtype": getattr(lib, dtype)} if dtype else {})))
    check(bt, lambda lib: lib.arange(*(lib.tensor(a) if isinstance(a, int) else a for a in args)))


@SETTINGS
@given(
    start=st.floats(-100, 100),
    end=st.floats(-100, 100),
    steps=st.integers(0, 200),
    dtype=st.sampled_from(["float32", "float64", "int64", "int32", "int16"]),
)
def test_linspace_is_bit_exact(bt, start, end, steps, dtype):
    check(bt, lambda lib: lib.linspace(start, end, steps, dtype=getattr(lib, dtype)))


@SETTINGS
@given(
    start=st.floats(-5, 5),
    end=st.floats(-5, 5),
    steps=st.integers(0, 100),
    base=st.sampled_from([10.0, 2.0, math.e, 1.5, 3]),
    dtype=st.sampled_from(["float32", "float64", "int64"]),
)
def test_logspace_is_bit_exact(bt, start, end, steps, base, dtype):
    check(bt, lambda lib: lib.logspace(start, end, steps, base=base, dtype=getattr(lib, dtype)))


def test_range_edge_cases(bt):
    for make in [
        lambda lib: lib.linspace(0, 1, 1),
        lambda lib: lib.linspace(0, 1, -1),
        lambda lib: lib.linspace(0, 1, 0),
        lambda lib: lib.linspace(3, 10, 7, dtype=lib.int64),
        lambda lib: lib.logspace(0, 3, 1),
        lambda lib: lib.logspace(0, 2, 3),
        lambda lib: lib.logspace(0, 1, 4, base=2),
        lambda lib: lib.linspace(lib.tensor(0.0), lib.tensor(1.0), 5),
    ]:
        check(bt, make)


# ---- random factories -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.rand(5, dtype=lib.float64),
        lambda lib: lib.rand(20, dtype=lib.float64),
        lambda lib: lib.randn(3, dtype=lib.float64),
        lambda lib: lib.randn(40, dtype=lib.float64),
        lambda lib: lib.rand(2, dtype=lib.int64),
        lambda lib: lib.randn(2, dtype=lib.int64),
        lambda lib: lib.randint(0, 10, (5,), dtype=lib.int8),
        lambda lib: lib.randint(5, (3,), dtype=lib.float32),
        lambda lib: lib.randint_like(lib.zeros(3, dtype=lib.int32), 7),
        lambda lib: lib.randperm(6, dtype=lib.int32),
        lambda lib: lib.rand_like(lib.zeros(2, dtype=lib.float64)),
        lambda lib: lib.zeros(4, dtype=lib.float64).uniform_(-1, 2),
        lambda lib: lib.zeros(20, dtype=lib.float64).normal_(0.5, 2.0),
    ],
    ids=range(13),
)
def test_random_factories_with_dtypes(bt, make):
    check(bt, lambda lib: (make(lib), lib.rand(3))[0], seed=11)
    check(bt, lambda lib: (make(lib), lib.rand(3))[1], seed=11)  # and the stream position afterwards


GENERATED = {
    "rand": lambda lib, g: lib.rand(5, generator=g),
    "randn": lambda lib, g: lib.randn(20, generator=g),
    "randint": lambda lib, g: lib.randint(0, 100, (6,), generator=g),
    "randperm": lambda lib, g: lib.randperm(7, generator=g),
    "normal": lambda lib, g: lib.normal(0.0, 2.0, (4,), generator=g),
    "normal_tensor": lambda lib, g: lib.normal(lib.ones(3), lib.ones(3), generator=g),
    "bernoulli": lambda lib, g: lib.bernoulli(lib.full((8,), 0.5), generator=g),
    "multinomial": lambda lib, g: lib.multinomial(lib.tensor([0.2, 0.5, 0.3]), 4, True, generator=g),
    "exponential_": lambda lib, g: lib.zeros(4).exponential_(generator=g),
}


@pytest.mark.parametrize("name", GENERATED)
def test_generator_argument(bt, name):
    ours = GENERATED[name](bt, bt.Generator().manual_seed(123))
    real = GENERATED[name](torch, torch.Generator().manual_seed(123))
    same(ours, real)
    g, h = bt.Generator(), torch.Generator()  # a fresh generator has PyTorch's default seed
    assert g.initial_seed() == h.initial_seed()
    same(GENERATED[name](bt, g), GENERATED[name](torch, h))


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.normal(lib.tensor([1.0, 2.0, -3.0]), lib.tensor([0.5, 2.0, 1.5])),
        lambda lib: lib.normal(lib.arange(20.0), lib.full((20,), 0.3)),
        lambda lib: lib.normal(lib.zeros(2, 20), lib.ones(20) * 0.7),
        lambda lib: lib.normal(lib.arange(6.0), 0.25),
        lambda lib: lib.normal(lib.arange(30.0), 0.1),
        lambda lib: lib.normal(1.5, lib.arange(5.0)),
        lambda lib: lib.normal(-0.5, lib.arange(40.0) / 7),
        lambda lib: lib.normal(lib.arange(5.0, dtype=lib.float64), 2.0),
        lambda lib: lib.normal(0.0, 1.0, (3, 7)),
        lambda lib: lib.normal(lib.tensor([1, 2]), 1.0),
        lambda lib: lib.normal(lib.tensor([1.0, 2.0]), lib.tensor([-1.0, 2.0])),
        lambda lib: lib.normal(lib.tensor([1.0, 2.0]), -1.0),
    ],
    ids=range(12),
)
def test_normal_with_tensor_mean_and_std(bt, make):
    check(bt, make, seed=5)
    check(bt, lambda lib: (make(lib), lib.randn(3))[1], seed=5)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.bernoulli(lib.rand(40)),
        lambda lib: lib.bernoulli(lib.rand(7, dtype=lib.float64)),
        lambda lib: lib.bernoulli(lib.tensor([[0.0, 1.0], [0.5, 0.25]])),
        lambda lib: lib.bernoulli(lib.zeros(6), 0.3),
        lambda lib: lib.bernoulli(lib.tensor([0.5, 2.0])),
        lambda lib: lib.bernoulli(lib.tensor([1, 0])),
        lambda lib: lib.zeros(2, 3).bernoulli_(lib.tensor([0.1, 0.5, 0.9])),
        lambda lib: lib.zeros(5, dtype=lib.float64).bernoulli_(lib.rand(5)),
    ],
    ids=range(8),
)
def test_bernoulli_with_probability_tensors(bt, make):
    check(bt, make, seed=3)
    check(bt, lambda lib: (make(lib), lib.rand(3))[1], seed=3)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.multinomial(lib.tensor([0.1, 0.2, 0.3, 0.4]), 1),
        lambda lib: lib.multinomial(lib.tensor([0.1, 0.2, 0.3, 0.4]), 4),
        lambda lib: lib.multinomial(lib.tensor([1.0, 5.0, 2.0, 0.5, 3.0]), 3),
        lambda lib: lib.multinomial(lib.tensor([0.1, 0.2, 0.3, 0.4]), 20, replacement=True),
        lambda lib: lib.multinomial(lib.rand(3, 6), 4),
        lambda lib: lib.multinomial(lib.rand(3, 6), 9, True),
        lambda lib: lib.multinomial(lib.rand(2, 50, dtype=lib.float64), 30),
        lambda lib: lib.multinomial(lib.rand(2, 50, dtype=lib.float64), 30, True),
        lambda lib: lib.multinomial(lib.tensor([0.0, 1.0, 0.0, 2.0]), 2),
        lambda lib: lib.multinomial(lib.tensor([0.0, 1.0, 0.0, 2.0]), 10, True),
        lambda lib: lib.multinomial(lib.tensor([1, 2]), 1),
        lambda lib: lib.multinomial(lib.tensor([1.0, 2]), 3),
        lambda lib: lib.multinomial(lib.tensor([1.0, 2]), 0),
        lambda lib: lib.multinomial(lib.tensor([[[1.0, 2]]]), 1),
        lambda lib: lib.multinomial(lib.tensor([1.0, -2]), 1),
        lambda lib: lib.multinomial(lib.tensor([1.0, -2]), 2, True),
        lambda lib: lib.multinomial(lib.tensor([0.0, 0]), 2, True),
        lambda lib: lib.multinomial(lib.tensor([0.0, 0]), 1),
        lambda lib: lib.multinomial(lib.tensor([1.0, math.inf]), 2, True),
        lambda lib: lib.multinomial(lib.tensor([1.0, math.nan]), 2, True),
        lambda lib: lib.multinomial(lib.tensor([1.0, math.nan]), 1),
    ],
    ids=range(21),
)
def test_multinomial(bt, make):
    check(bt, make, seed=9)
    check(bt, lambda lib: (make(lib), lib.rand(3))[1], seed=9)


def test_multinomial_refuses_ties_it_cannot_order(bt):
    with pytest.raises(NotImplementedError, match="torch.multinomial"):
        bt.multinomial(bt.tensor([1.0, 0.0, 0.0]), 2)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.zeros(50).exponential_(),
        lambda lib: lib.zeros(7, dtype=lib.float64).exponential_(2.5),
        lambda lib: lib.zeros(3, 4).t().exponential_(0.5),
        lambda lib: lib.zeros(3).exponential_(0),
        lambda lib: lib.zeros(3, dtype=lib.int64).exponential_(),
        lambda lib: lib.zeros(30).geometric_(0.3),
        lambda lib: lib.zeros(9, dtype=lib.int32).geometric_(0.5),
        lambda lib: lib.zeros(9, dtype=lib.float64).geometric_(0.9),
        lambda lib: lib.zeros(3).geometric_(1),
        lambda lib: lib.zeros(3).geometric_(0),
    ],
    ids=range(10),
)
def test_exponential_and_geometric(bt, make):
    check(bt, make, seed=21)
    check(bt, lambda lib: (make(lib), lib.rand(3))[1], seed=21)


# ---- utilities ------------------------------------------------------------------------------------------------------
def test_torch_level_utilities(bt):
    x = bt.zeros(2, 3)
    assert bt.is_tensor(x) and not bt.is_tensor([1]) and bt.numel(x) == 6
    assert bt.is_floating_point(x) and not bt.is_floating_point(bt.tensor([1]))
    check(bt, lambda lib: lib.is_floating_point(3.0))
    assert bt.manual_seed(5) is bt.default_generator and bt.initial_seed() == 5
    new_seed = bt.seed()
    assert bt.initial_seed() == new_seed
    bt.manual_seed(-1)
    torch.manual_seed(-1)
    assert bt.initial_seed() == torch.initial_seed()
    same(bt.rand(3), torch.rand(3))
    assert bt.is_nonzero(bt.tensor([1.5])) and not bt.is_nonzero(bt.tensor(0))
    check(bt, lambda lib: lib.is_nonzero(lib.tensor([1, 2])))
    check(bt, lambda lib: lib.is_nonzero(lib.tensor([])))
