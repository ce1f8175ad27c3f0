"""Linear algebra of the runtime against real PyTorch: einsum, batched products, outer/addr/cross/trace/kron,
torch.linalg's norms and its LU-based inv/det/slogdet/solve. Values are bit-exact unless a comment says why."""

import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import assert_same, to_bt

settings.register_profile(
    "runtime",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("runtime")

FLOAT32 = st.floats(-8, 8, width=32, allow_nan=False, allow_infinity=False)


@st.composite
def tensors(draw, shape, elements=FLOAT32):
    values = draw(st.lists(elements, min_size=math.prod(shape), max_size=math.prod(shape)))
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def run_both(bt, fn, *inputs, grad_seed=0):
    results = []
    for lib in (torch, bt):
        args = [
            x.detach().clone().requires_grad_(True) if lib is torch else to_bt(bt, x, requires_grad=True)
            for x in inputs
        ]
        out = fn(lib, *args)
        torch.manual_seed(grad_seed)
        upstream = torch.randn(tuple(out.shape))
        out.backward(upstream if lib is torch else to_bt(bt, upstream))
        results.append((out, [a.grad for a in args]))
    return results


def check(bt, fn, *inputs, rtol=0.0, atol=0.0, grad_rtol=None, grad_atol=None, name=True):
    (real, real_grads), (ours, our_grads) = run_both(bt, fn, *inputs)
    if name:
        assert ours.grad_fn.name() == real.grad_fn.name()
    assert_same(ours, real, rtol, atol)
    for o, r in zip(our_grads, real_grads):
        assert_same(o, r, rtol if grad_rtol is None else grad_rtol, atol if grad_atol is None else grad_atol)


dims = st.integers(1, 4)

# ---- einsum -------------------------------------------------------------------------------------------------------
EINSUM = {  # equation: shapes from sizes (i, j, k, b)
    "ij,jk->ik": lambda i, j, k, b: [(i, j), (j, k)],
    "bij,bjk->bik": lambda i, j, k, b: [(b, i, j), (b, j, k)],
    "i,j->ij": lambda i, j, k, b: [(i,), (j,)],
    "i,i->": lambda i, j, k, b: [(i,), (i,)],
    "ii->": lambda i, j, k, b: [(i, i)],
    "ii->i": lambda i, j, k, b: [(i, i)],
    "ij->": lambda i, j, k, b: [(i, j)],
    "ij->j": lambda i, j, k, b: [(i, j)],
    "ij->i": lambda i, j, k, b: [(i, j)],
    "ij->ji": lambda i, j, k, b: [(i, j)],
    "ij,ij->ij": lambda i, j, k, b: [(i, j), (i, j)],
    "i,ij,j->": lambda i, j, k, b: [(i,), (i, j), (j,)],
    "bi,ij->bj": lambda i, j, k, b: [(b, i), (i, j)],
    "ij,kj->ik": lambda i, j, k, b: [(i, j), (k, j)],
    "ij,jk": lambda i, j, k, b: [(i, j), (j, k)],
    "ijk,ikj->i": lambda i, j, k, b: [(i, j, k), (i, k, j)],
}


@pytest.mark.parametrize("equation", EINSUM)
@given(sizes=st.tuples(dims, dims, dims, dims), data=st.data())
def test_einsum_patterns_bit_exact(bt, equation, sizes, data):
    """Small contractions run ATen's naive float32 bmm loop in PyTorch, which the runtime reproduces; the graph is
    made of the same kinds of nodes (permute, view, bmm), not always the same ones, so names are not compared."""
    operands = [data.draw(tensors(shape)) for shape in EINSUM[equation](*sizes)]
    check(bt, lambda lib, *ops: lib.einsum(equation, *ops), *operands, name=False)


def test_einsum_errors_and_list_operands(bt):
    a = torch.ones(2, 3)
    assert_same(bt.einsum("ij->j", [to_bt(bt, a)]), torch.einsum("ij->j", [a]))
    with pytest.raises(NotImplementedError, match=r"torch.einsum with '...'"):
        bt.einsum("...ij->...j", to_bt(bt, a))


# ---- batched and rank-1 products -------------------------------------------------------------------------------------
@given(sizes=st.tuples(dims, dims, dims, dims), data=st.data())
def test_bmm_baddbmm_and_batched_matmul(bt, sizes, data):
    b, n, m, p = sizes
    x, y, z = data.draw(tensors((b, n, m))), data.draw(tensors((b, m, p))), data.draw(tensors((b, n, p)))
    check(bt, lambda lib, x, y: lib.bmm(x, y), x, y)
    check(bt, lambda lib, x, y: x @ y, x, y, name=False)
    check(bt, lambda lib, z, x, y: lib.baddbmm(z, x, y), z, x, y)
    check(bt, lambda lib, z, x, y: lib.baddbmm(z, x, y, beta=0.5, alpha=2.0), z, x, y)
    v = data.draw(tensors((m,)))
    # a vector (or matrix) that requires grad times a batch: PyTorch folds the batch into one MKL mv/mm
    check(bt, lambda lib, v, y: v @ y, v, y, name=False, rtol=1e-5, atol=1e-5)


@given(sizes=st.tuples(dims, dims), data=st.data())
def test_outer_addr_kron_trace(bt, sizes, data):
    n, m = sizes
    v, w, a = data.draw(tensors((n,))), data.draw(tensors((m,))), data.draw(tensors((n, m)))
    check(bt, lambda lib, v, w: lib.outer(v, w), v, w)
    check(bt, lambda lib, v, w: lib.ger(v, w), v, w)
    check(bt, lambda lib, a, v, w: lib.addr(a, v, w), a, v, w, grad_rtol=1e-5, grad_atol=1e-5)  # grads: MKL mv
    check(bt, lambda lib, a, b: lib.kron(a, b), a, data.draw(tensors((m, 2))))
    check(bt, lambda lib, a: a.trace(), a)  # the diagonal summed in a double, as trace_cpu


@given(shape=st.lists(dims, min_size=0, max_size=2).map(tuple), data=st.data())
def test_cross_fuses_like_atens_kernel(bt, shape, data):
    position = data.draw(st.integers(0, len(shape)))
    full = shape[:position] + (3,) + shape[position:]
    a, b = data.draw(tensors(full)), data.draw(tensors(full))
    check(bt, lambda lib, a, b: lib.linalg.cross(a, b, dim=position), a, b)
    check(bt, lambda lib, a, b: lib.cross(a, b, dim=position), a, b)


@given(sizes=st.tuples(dims, dims), data=st.data())
def test_products_through_mkl_within_rounding(bt, sizes, data):
    """mv, dot, mm (and so addmv, vdot, tensordot, matrix_power, multi_dot) run MKL in PyTorch, whose blocking and
    vectorization order the runtime's matmul kernel does not reproduce: within float32 rounding."""
    n, m = sizes
    a, s, v, w = (data.draw(tensors(shape)) for shape in ((n, m), (n, n), (m,), (n,)))
    close = {"rtol": 1e-5, "atol": 1e-5}
    check(bt, lambda lib, w, a, v: lib.addmv(w, a, v), w, a, v, **close)
    check(bt, lambda lib, w: lib.vdot(w, w), w, **close)
    check(bt, lambda lib, s, a: lib.tensordot(s, a, 1), s, a, name=False, **close)
    # Two products deep, the terms reach 8 * 8 * 8 * 3 = 1536, whose float32 rounding (1e-4) a cancelling sum keeps.
    check(bt, lambda lib, s, a: lib.linalg.multi_dot([s, s, a]), s, a, name=False, rtol=1e-5, atol=1e-4)
    scaled = s / 8
    for power in (0, 1, 2, 3, 5):
        real, ours = torch.linalg.matrix_power(scaled, power), bt.linalg.matrix_power(to_bt(bt, scaled), power)
        assert_same(ours, real, **close)


# ---- torch.linalg norms ---------------------------------------------------------------------------------------------
@given(sizes=st.tuples(dims, dims), data=st.data())
def test_linalg_norms(bt, sizes, data):
    a = data.draw(tensors(sizes))
    for fn in (
        lambda lib, a: lib.linalg.norm(a),
        lambda lib, a: lib.linalg.vector_norm(a, 1, -1),
        lambda lib, a: lib.linalg.vector_norm(a, float("inf")),
        lambda lib, a: lib.linalg.matrix_norm(a),
        lambda lib, a: lib.linalg.norm(a, "fro"),
        lambda lib, a: lib.linalg.norm(a[0], 3),
    ):
        check(bt, fn, a, grad_rtol=1e-6, grad_atol=1e-6)
    a = a + torch.arange(a.numel(), dtype=torch.float32).reshape(a.shape) * 0.01  # no ties among the maxima
    for ord in (1, -1, float("inf"), float("-inf")):
        check(bt, lambda lib, a, ord=ord: lib.linalg.matrix_norm(a, ord), a)
        check(bt, lambda lib, a, ord=ord: lib.linalg.norm(a, ord, keepdim=True), a)


def test_refused_norms_and_missing_linalg(bt):
    with pytest.raises(NotImplementedError, match=r"torch.linalg.matrix_norm\(ord='nuc'\)"):
        bt.linalg.matrix_norm(bt.ones(2, 2), "nuc")
    with pytest.raises(NotImplementedError, match=r"torch.norm\(p='nuc'\)"):
        bt.ones(2, 2).norm(p="nuc")
    with pytest.raises(NotImplementedError, match="torch.linalg.svd is not available"):
        bt.linalg.svd(bt.ones(2, 2))


# ---- LU-based --------------------------------------------------------------------------------------------------------
@st.composite
def well_conditioned(draw, n, batch=()):
    a = draw(tensors(batch + (n, n), st.floats(-1, 1, width=32)))
    return a + 2 * n * torch.eye(n)


@given(n=st.integers(1, 4), data=st.data())
def test_inv_det_slogdet_solve_within_tolerance(bt, n, data):
    """PyTorch runs LAPACK (MKL getrf/getri/getrs); its order of operations cannot be reproduced bit for bit. The
    runtime's LU with partial pivoting in doubles, rounded once, agrees within a few float32 ulps."""
    a = data.draw(well_conditioned(n))
    batched = data.draw(well_conditioned(n, (2,)))
    b, v = data.draw(tensors((n, 3))), data.draw(tensors((n,)))
    close = {"rtol": 1e-5, "atol": 1e-6, "grad_rtol": 1e-4, "grad_atol": 1e-5}
    check(bt, lambda lib, a: lib.linalg.inv(a), a, **close)
    check(bt, lambda lib, a: lib.inverse(a), batched, **close)
    check(bt, lambda lib, a: lib.linalg.det(a), a, **close)
    check(bt, lambda lib, a: a.det(), batched, **close)
    check(bt, lambda lib, a: lib.linalg.slogdet(a).logabsdet, a, **close)
    check(bt, lambda lib, a, b: lib.linalg.solve(a, b), a, b, **close)
    check(bt, lambda lib, a, v: lib.linalg.solve(a, v), a, v, **close)
    real, ours = torch.linalg.slogdet(-a), bt.linalg.slogdet(to_bt(bt, -a))
    assert_same(ours.sign, real.sign)
    assert repr(bt.slogdet(to_bt(bt, a))).startswith("torch.return_types.slogdet(\nsign=")


def test_singular_matrices(bt):
    singular = bt.tensor([[1.0, 2.0], [2.0, 4.0]])
    assert bt.linalg.det(singular).item() == 0.0
    with pytest.raises(
        RuntimeError,
        match="linalg.inv: The diagonal element 2 is zero, the inversion could not be "
        "completed because the input matrix is singular.",
    ):
        bt.linalg.inv(singular)
    with pytest.raises(RuntimeError, match="linalg.inv: A must be batches of square matrices, but they are 2 by 3"):
        bt.linalg.inv(bt.ones(2, 3))


def test_names_exist_only_where_pytorch_has_them(bt):
    for name in (
        "inverse",
        "det",
        "slogdet",
        "matrix_power",
        "cross",
        "outer",
        "ger",
        "vdot",
        "trace",
        "kron",
        "bmm",
        "baddbmm",
        "addmv",
        "addr",
        "einsum",
        "tensordot",
    ):
        assert hasattr(bt, name) == hasattr(torch, name)
    for name in ("inverse", "det", "inv", "tensordot", "einsum", "baddbmm_", "addmv_", "addr_", "kron"):
        assert (name in dir(bt.Tensor) or hasattr(bt.Tensor, name)) == hasattr(torch.Tensor, name), name
    m = torch.tensor([[2.0, 1.0], [0.5, 3.0]], requires_grad=True)
    assert bt.linalg.matrix_power(to_bt(bt, m), -1).grad_fn.name() == "LinalgInvExBackward0"
