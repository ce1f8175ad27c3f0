"""reference.matmul_mkl: float32 products in MKL sgemm's accumulation order, bit for bit against real torch
(torch.mm, addmm / F.linear) with 1 thread and with the default thread count. See _kernels/MKL_SGEMM.md."""

import importlib.util
from array import array
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

REFERENCE = Path(__file__).parents[2] / "site_src" / "runtime" / "torch" / "_kernels" / "reference.py"

# (m, k, n): m = batch rows. Packed ones: m >= 4 and n >= 12; sequential ones: small shapes, no transposes.
PACKED = [
    (4, 1, 12),
    (4, 3, 16),
    (4, 20, 16),
    (8, 10, 12),
    (16, 64, 16),
    (12, 84, 20),
    (13, 30, 14),
    (32, 100, 16),
    (64, 120, 12),
    (4, 192, 16),
    (4, 193, 12),
    (8, 256, 16),
    (4, 400, 20),
    (4, 784, 12),
    (4, 1000, 16),
    (4, 8, 1000),
    (8, 2, 128),
    (64, 16, 84),
]
SEQUENTIAL = [
    (1, 1, 1),
    (1, 10, 1),
    (1, 784, 10),
    (1, 100, 128),
    (2, 20, 16),
    (3, 400, 12),
    (2, 1000, 20),
    (3, 3, 2),
    (4, 10, 2),
    (64, 100, 2),
    (8, 20, 3),
    (16, 400, 4),
    (4, 784, 8),
    (64, 64, 8),
]
LAYOUTS = [(False, False), (False, True), (True, False), (True, True)]


@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("kernels_reference", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=[1, None], ids=["1 thread", "default threads"])
def threads(request):
    old = torch.get_num_threads()
    if request.param:
        torch.set_num_threads(request.param)
    yield
    torch.set_num_threads(old)


def _operands(m, k, n, trans_a, trans_b, seed):
    """Random (m, k) and (k, n) tensors stored as the flags say, with their float32 buffers."""
    gen = torch.Generator().manual_seed(seed)
    a_stored = torch.randn((k, m) if trans_a else (m, k), generator=gen)
    b_stored = torch.randn((n, k) if trans_b else (k, n), generator=gen)
    a = a_stored.t() if trans_a else a_stored
    b = b_stored.t() if trans_b else b_stored
    return a, b, array("f", a_stored.flatten().tolist()), array("f", b_stored.flatten().tolist())


def _assert_same(ours, theirs):
    theirs = array("f", theirs.flatten().tolist())
    bad = [i for i, (x, y) in enumerate(zip(ours, theirs)) if x != y and not (x != x and y != y)]
    assert not bad, f"{len(bad)} of {len(theirs)} differ, first at {bad[0]}"


@pytest.mark.parametrize("shape", PACKED + SEQUENTIAL)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_mm_bit_for_bit(reference, threads, shape, layout):
    m, k, n = shape
    if reference.mkl_order(m, k, n, *layout) is None:
        pytest.skip("no rule known for this shape and layout")
    a, b, a_buf, b_buf = _operands(m, k, n, *layout, seed=m * 7919 + k * 31 + n)
    _assert_same(reference.matmul_mkl(a_buf, b_buf, m, k, n, *layout), torch.mm(a, b))


@pytest.mark.parametrize("shape", PACKED)
def test_linear_and_its_gradients_bit_for_bit(reference, threads, shape):
    """nn.Linear: x @ W.t() + b (addmm, B transposed), grad @ W (plain) and grad.t() @ x (A transposed)."""
    m, k, n = shape
    gen = torch.Generator().manual_seed(k * 131 + n)
    x, w, bias = torch.randn(m, k, generator=gen), torch.randn(n, k, generator=gen), torch.randn(n, generator=gen)
    buf = lambda t: array("f", t.flatten().tolist())  # noqa: E731
    _assert_same(reference.matmul_mkl(buf(x), buf(w), m, k, n, False, True, bias=buf(bias)), F.linear(x, w, bias))
    _assert_same(
        reference.matmul_mkl(buf(x), buf(w), m, k, n, False, True, bias=buf(bias)), torch.addmm(bias, x, w.t())
    )
    grad = torch.randn(m, n, generator=gen)
    if reference.mkl_order(m, n, k) is not None:  # grad_input = grad @ W: (m, n) @ (n, k)
        _assert_same(reference.matmul_mkl(buf(grad), buf(w), m, n, k), grad @ w)
    if reference.mkl_order(n, m, k, True) is not None:  # grad_weight = grad.t() @ x: (n, m) @ (m, k)
        _assert_same(reference.matmul_mkl(buf(grad), buf(x), n, m, k, True), grad.t() @ x)


def test_special_values(reference):
    """NaN and infinities go through the float32 steps as in MKL (inf - inf = NaN, overflow to inf)."""
    m, k, n = 4, 3, 12
    a = torch.tensor([[1.0, float("inf"), 2.0], [3e38, 3e38, -3e38], [float("nan"), 1.0, 1.0], [1.0, -1.0, 0.5]])
    b = torch.ones(k, n)
    b[1, 0] = -1.0
    ours = reference.matmul_mkl(array("f", a.flatten().tolist()), array("f", b.flatten().tolist()), m, k, n)
    _assert_same(ours, torch.mm(a, b))


def test_unknown_shapes_return_none(reference):
    assert reference.mkl_order(4, 10, 10) is None
    assert reference.mkl_order(5, 10, 16) is None  # the 2-thread tail rows
    assert reference.matmul_mkl(array("f", [0.0] * 20), array("f", [0.0] * 10), 2, 10, 1, False, True) is None
