"""The runtime's tensor printing against repr() of real PyTorch tensors.

Every expected string is repr(t) of a real torch tensor; the runtime receives that tensor's own values
(t.reshape(-1).tolist(), float32-exact), shape, dtype and grad_fn class name.
"""

import math
import random

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import load_runtime_module

tensor_str = load_runtime_module("_tensor_str.py", "runtime_tensor_str")

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "bool": torch.bool}


@pytest.fixture(autouse=True)
def default_printoptions():
    yield
    torch.set_printoptions(profile="default")
    tensor_str.set_printoptions(profile="default")


def runtime_repr(t, **kwargs):
    dtype = str(t.dtype).removeprefix("torch.")
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return tensor_str.tensor_repr(
        t.detach().reshape(-1).tolist(),
        tuple(t.shape),
        dtype,
        requires_grad=t.requires_grad,
        grad_fn=grad_fn,
        is_parameter=isinstance(t, torch.nn.Parameter),
        **kwargs,
    )


def assert_same_repr(t):
    assert runtime_repr(t) == repr(t)
    assert str(t) == repr(t)


# ---------------------------------------------------------------- hand-picked cases (values still from torch)


def _linear_output():
    torch.manual_seed(0)
    return torch.nn.Linear(5, 3)(torch.randn(2, 5))


def _linear_weight():
    torch.manual_seed(0)
    return torch.nn.Linear(5, 3).weight


CASES = {
    "scalar": lambda: torch.tensor(3.5),
    "int scalar": lambda: torch.tensor(7),
    "bool scalar": lambda: torch.tensor(True),
    "float64 scalar": lambda: torch.tensor(0.1, dtype=torch.float64),
    "scalar nan": lambda: torch.tensor(float("nan")),
    "scalar -0.0": lambda: torch.tensor(-0.0),
    "scalar loss": lambda: torch.nn.functional.mse_loss(torch.ones(3, requires_grad=True), torch.zeros(3)),
    "empty": lambda: torch.tensor([]),
    "empty 0x3": lambda: torch.zeros(0, 3),
    "empty 2x0x4": lambda: torch.zeros(2, 0, 4),
    "empty int64": lambda: torch.zeros(0, dtype=torch.int64),
    "empty bool 0x1": lambda: torch.zeros(0, 1, dtype=torch.bool),
    "empty float64": lambda: torch.zeros(0, dtype=torch.float64),
    "empty requires grad": lambda: torch.zeros(0, 2, requires_grad=True),
    "ints in float": lambda: torch.tensor([1.0, -0.0, 20.0]),
    "all zeros": lambda: torch.zeros(2, 3),
    "negative zeros": lambda: torch.tensor([-0.0, 0.0, -0.0]),
    "nan inf": lambda: torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5]),
    "nan inf ints": lambda: torch.tensor([float("nan"), float("inf"), -float("inf"), 2.0]),
    "only nonfinite": lambda: torch.tensor([float("nan"), float("inf")]),
    "sci by ratio": lambda: torch.tensor([1.0, 1001.5, -3.25]),
    "sci by max": lambda: torch.tensor([1.5e8, 2.5e8]),
    "sci by min": lambda: torch.tensor([5e-5, 6e-5]),
    "sci ints": lambda: torch.tensor([1.0, 1e9]),
    "float64": lambda: torch.tensor([[0.1, 0.2], [1e-3, 3.0]], dtype=torch.float64),
    "int64 mixed widths": lambda: torch.tensor([[1, -200], [30000, 4]]),
    "bool matrix": lambda: torch.tensor([[True, False], [False, True]]),
    "arange 2000": lambda: torch.arange(2000),
    "summarised 4d": lambda: torch.arange(3000.0).reshape(10, 10, 6, 5) / 7,
    "summarised wide": lambda: torch.linspace(-1, 1, 1500).reshape(1, 1500),
    "summarised tall": lambda: torch.linspace(-1, 1, 1500).reshape(1500, 1),
    "wrapped row": lambda: torch.linspace(-5, 5, 37),
    "wrapped rows 3d": lambda: torch.linspace(-5, 5, 2 * 3 * 25).reshape(2, 3, 25),
    "randn 4d": lambda: torch.randn(2, 3, 4, 5, generator=torch.Generator().manual_seed(1)),
    "requires grad": lambda: torch.ones(2, 2, requires_grad=True),
    "requires grad float64": lambda: torch.ones(2, 2, dtype=torch.float64, requires_grad=True),
    "addmm grad_fn": _linear_output,
    "grad_fn wraps to next line": lambda: torch.linspace(0.5, 9.5, 13, requires_grad=True) * 1,
    "dtype and grad_fn suffixes": lambda: torch.linspace(0.5, 9.5, 12, dtype=torch.float64, requires_grad=True) + 1,
    "parameter": _linear_weight,
    "parameter no grad": lambda: torch.nn.Parameter(torch.arange(4.0), requires_grad=False),
    "parameter int64": lambda: torch.nn.Parameter(torch.arange(4), requires_grad=False),
}


@pytest.mark.parametrize("name", CASES)
def test_known_cases(name):
    assert_same_repr(CASES[name]())


@pytest.mark.parametrize(
    "options",
    [
        {"precision": 2},
        {"precision": 0},
        {"precision": 10},
        {"sci_mode": True},
        {"sci_mode": False},
        {"linewidth": 30},
        {"threshold": 5},
        {"threshold": 5, "edgeitems": 1},
        {"threshold": 5, "edgeitems": 0},
        {"profile": "short"},
        {"profile": "full"},
    ],
)
@pytest.mark.parametrize("name", ["sci by ratio", "ints in float", "randn 4d", "arange 2000", "wrapped row"])
def test_printoptions(options, name):
    t = CASES[name]()
    torch.set_printoptions(**options)
    tensor_str.set_printoptions(**options)
    assert_same_repr(t)
    torch.set_printoptions(profile="default")
    tensor_str.set_printoptions(profile="default")
    assert_same_repr(t)


def test_printoptions_match_torch():
    tensor_str.set_printoptions(precision=6, linewidth=100)
    torch.set_printoptions(precision=6, linewidth=100)
    assert tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()


def test_prefix_sets_indent():
    t = torch.linspace(-5, 5, 37).reshape(37, 1) * 1
    # PyTorch prints `ClassName(` for Tensor subclasses and indents by its length
    Nope = type("Nope", (torch.Tensor,), {})
    expected = repr(t.as_subclass(Nope))
    assert runtime_repr(t, prefix="Nope(") == expected


# ---------------------------------------------------------------- generated tensors


def float_values():
    """Magnitudes that exercise every formatter branch: integers, fixed, tiny and huge, and non-finite values."""
    mantissa = st.floats(min_value=1.0, max_value=9.999, allow_nan=False)
    return st.one_of(
        st.integers(-2000, 2000).map(float),
        st.builds(lambda m, e, s: s * m * 10.0**e, mantissa, st.integers(-9, 12), st.sampled_from([1, -1])),
        st.floats(-10, 10, allow_nan=False),
        st.sampled_from([0.0, -0.0, math.nan, math.inf, -math.inf, 1e-4, 1e8, 1000.0, 0.1]),
    )


def element_values(dtype):
    if dtype == "bool":
        return st.booleans()
    if dtype == "int64":
        return st.one_of(st.integers(-9, 9), st.integers(-(2**63), 2**63 - 1))
    return float_values()


DIM_SIZES = st.one_of(st.integers(0, 4), st.integers(5, 9), st.sampled_from([13, 25, 40, 1001]))


@st.composite
def shapes(draw):
    shape = tuple(draw(st.lists(DIM_SIZES, min_size=0, max_size=4)))
    if math.prod(shape) > 6000:
        shape = tuple(min(size, 9) for size in shape)
    return shape


@st.composite
def tensors(draw):
    dtype = draw(st.sampled_from(list(DTYPES)))
    shape = draw(shapes())
    numel = math.prod(shape)
    if numel <= 64:
        values = draw(st.lists(element_values(dtype), min_size=numel, max_size=numel))
    else:
        # Big tensors: elements drawn from a small palette, so hypothesis data stays small.
        palette = draw(st.lists(element_values(dtype), min_size=1, max_size=8))
        rng = random.Random(draw(st.integers(0, 2**32)))
        values = [rng.choice(palette) for _ in range(numel)]
    t = torch.tensor(values, dtype=DTYPES[dtype]).reshape(shape)

    floating = t.dtype.is_floating_point
    kind = draw(st.sampled_from(["plain", "requires_grad", "op", "parameter"] if floating else ["plain", "parameter"]))
    if kind == "requires_grad":
        t.requires_grad_()
    elif kind == "op":
        leaf = t.requires_grad_()
        op = draw(st.sampled_from(["mul", "add", "clone", "view", "addmm", "relu", "sum"]))
        if op == "mul":
            t = leaf * 1
        elif op == "add":
            t = leaf + 0
        elif op == "clone":
            t = leaf.clone()
        elif op == "view":
            t = leaf.view(shape)
        elif op == "relu":
            t = torch.relu(leaf)
        elif op == "sum":
            t = leaf.sum()
        else:
            t = torch.addmm(leaf.reshape(1, -1), torch.ones(1, 2, dtype=t.dtype), torch.ones(2, numel, dtype=t.dtype))
    elif kind == "parameter":
        t = torch.nn.Parameter(t, requires_grad=floating and draw(st.booleans()))
    return t


PRINTOPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "precision": st.integers(0, 10),
        "sci_mode": st.sampled_from([None, True, False]),
        "linewidth": st.integers(20, 150),
        "threshold": st.sampled_from([0, 5, 100, 1000, math.inf]),
        "edgeitems": st.integers(0, 4),
    },
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tensors())
def test_generated_tensors(t):
    assert runtime_repr(t) == repr(t)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tensors(), PRINTOPTIONS)
def test_generated_tensors_with_printoptions(t, options):
    torch.set_printoptions(**options)
    tensor_str.set_printoptions(**options)
    try:
        assert runtime_repr(t) == repr(t)
    finally:
        torch.set_printoptions(profile="default")
        tensor_str.set_printoptions(profile="default")
