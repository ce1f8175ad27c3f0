"""Bit-exact float32 elementwise math against real PyTorch (_ops/libm.py): the ops whose ATen kernels run SLEEF's
vector code and glibc's scalar code (sigmoid, exp2), or SLEEF's throughout (expm1, log1p), reproduced element by
element, with the element-to-path assignment of ATen's vectorized loop (blocks of 32 per contiguous row, the rest
scalar; non-contiguous rows scalar). Values are compared with rtol=0, atol=0.
"""

import math
import random

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import assert_same, to_bt

settings.register_profile(
    "transcendental_exact",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("transcendental_exact")

RANGES = {"sigmoid": (-100, 100), "exp2": (-160, 130), "expm1": (-20, 90), "log1p": (-1, 50)}
SPECIAL = [
    0.0,
    -0.0,
    math.inf,
    -math.inf,
    math.nan,
    1e-45,
    -1e-45,
    1e-38,
    88.5,
    89.5,
    -104.5,
    -150.0,
    127.99,
    128.0,
    -16.7,
    1e23,
    2e23,
    3e38,
    -1.0,
    -0.999999,
    1.0,
    0.5,
]


def f32(v):
    return torch.tensor(v, dtype=torch.float32).item()


def values(name, n, rng):
    lo, hi = RANGES[name]
    return [
        f32(rng.uniform(lo, hi)) if rng.random() < 0.7 else f32(rng.uniform(-1, 1) * 10.0 ** rng.randint(-8, 1))
        for _ in range(n)
    ]


def compare(bt, name, real_input, ours_input):
    assert_same(getattr(bt, name)(ours_input), getattr(torch, name)(real_input))


@pytest.mark.parametrize("name", sorted(RANGES))
@given(n=st.integers(1, 70), seed=st.integers(0, 2**32 - 1))
def test_contiguous_lengths(bt, name, n, seed):
    x = torch.tensor(values(name, n, random.Random(seed)))
    compare(bt, name, x, to_bt(bt, x))


@pytest.mark.parametrize("name", sorted(RANGES))
@given(rows=st.integers(1, 3), cols=st.integers(1, 70), seed=st.integers(0, 2**32 - 1))
def test_layouts(bt, name, rows, cols, seed):
    """A row-sliced matrix (each row its own loop), a column slice (strided: scalar code), a transpose (dense in
    memory order: one loop over the storage)."""
    base = torch.tensor(values(name, rows * (cols + 5), random.Random(seed))).reshape(rows, cols + 5)
    ours = to_bt(bt, base)
    compare(bt, name, base[:, :cols], ours[:, :cols])
    compare(bt, name, base[:, ::2], ours[:, ::2])
    compare(bt, name, base.t(), ours.t())
    compare(bt, name, base[:, 1:].t(), ours[:, 1:].t())


@pytest.mark.parametrize("name", sorted(RANGES))
def test_sweep(bt, name):
    """100,000 values (the special ones included), as one tensor (vector code but for the last 31) and strided
    (scalar code), then in place."""
    xs = SPECIAL * 3 + values(name, 100_000, random.Random(name))
    x = torch.tensor(xs)
    ours = to_bt(bt, x)
    compare(bt, name, x, ours)
    compare(bt, name, x[::3], ours[::3])
    getattr(ours, name + "_")()
    assert_same(ours, getattr(x.clone(), name + "_")())


@pytest.mark.parametrize("name", sorted(RANGES))
def test_gradient(bt, name):
    x = torch.tensor(values(name, 40, random.Random(1))[:40]).clamp(-0.9, 20).requires_grad_()
    ours = to_bt(bt, x)
    getattr(torch, name)(x).sum().backward()
    getattr(bt, name)(ours).sum().backward()
    assert_same(ours.grad, x.grad)


def test_atanh_is_exact_where_aten_runs_glibc(bt):
    """atanh: the runtime emulates glibc's scalar atanhf (libm.glibc_atanhf) but not SLEEF's vector code, so it is
    bit for bit on the scalar path: strided tensors, and tensors of fewer than 32 elements (the whole row is the
    loop's remainder)."""
    rng = random.Random("atanh")
    xs = (
        SPECIAL
        + [f32(rng.uniform(-1, 1)) for _ in range(60_000)]
        + [f32(rng.uniform(-1, 1) * 1e-6) for _ in range(3000)]
    )
    x = torch.tensor(xs)
    ours = to_bt(bt, x)
    compare(bt, "atanh", x[::3], ours[::3])
    for start in range(0, 3000, 31):
        compare(bt, "atanh", x[start : start + 31].clone(), to_bt(bt, x[start : start + 31].clone()))
