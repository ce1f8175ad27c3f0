"""Reductions, cumulative ops and sorting of the runtime against real PyTorch: values (bit-exact unless a comment
says why), dtypes, gradients and autograd node names."""

import math

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
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
nonempty_shapes = st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)


@st.composite
def tensors(draw, shape=None, of_shapes=nonempty_shapes, elements=FLOAT32):
    shape = draw(of_shapes) if shape is None else shape
    values = draw(st.lists(elements, min_size=math.prod(shape), max_size=math.prod(shape)))
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def run_both(bt, fn, x, grad_seed=0):
    """fn(lib, x) in PyTorch and the runtime, backpropagating the same random gradient through each."""
    results = []
    for lib in (torch, bt):
        a = x.detach().clone().requires_grad_(True) if lib is torch else to_bt(bt, x, requires_grad=True)
        out = fn(lib, a)
        torch.manual_seed(grad_seed)
        upstream = torch.randn(tuple(out.shape))
        out.backward(upstream if lib is torch else to_bt(bt, upstream))
        results.append((out, a.grad))
    return results


def check(bt, fn, x, rtol=0.0, atol=0.0, grad_rtol=0.0, grad_atol=0.0):
    (real, real_grad), (ours, our_grad) = run_both(bt, fn, x)
    assert ours.grad_fn.name() == real.grad_fn.name()
    assert_same(ours, real, rtol, atol)
    assert_same(our_grad, real_grad, grad_rtol, grad_atol)


def a_dim(data, x):
    return data.draw(st.integers(-x.dim(), x.dim() - 1))


# ---- var / std ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["var", "std"])
@given(x=tensors(), data=st.data())
def test_var_std_exact(bt, name, x, data):
    """Single-output: two-pass in doubles (std_var_all_cpu); per-dim: Welford in doubles. Both bit-exact."""
    correction = data.draw(st.sampled_from([None, 0, 1, 2]))
    dim = data.draw(
        st.one_of(
            st.none(),
            st.integers(-x.dim(), x.dim() - 1),
            st.lists(st.integers(0, x.dim() - 1), min_size=1, max_size=x.dim(), unique=True),
        )
    )
    keepdim = data.draw(st.booleans())
    count = x.numel() if dim is None else math.prod(x.shape[d] for d in ([dim] if isinstance(dim, int) else dim))
    assume(count - (1 if correction is None else correction) > 0)
    kwargs = {} if correction is None else {"correction": correction}
    fn = (
        (lambda lib, a: getattr(a, name)(**kwargs))
        if dim is None
        else (lambda lib, a: getattr(a, name)(dim, keepdim=keepdim, **kwargs))
    )
    if name == "std":
        assume(float(x.std(dim=dim, **kwargs).abs().min()) > 0 if dim is not None else float(x.std(**kwargs)) > 0)
    # the backward's float32 steps are reproduced; they differ only where ATen's mean in the formula is reduced
    # through a strided view (sum over a non-trailing dim), whose order _float_sums falls back on
    check(bt, fn, x, grad_rtol=1e-6, grad_atol=1e-6)


@given(x=tensors(), data=st.data())
def test_var_mean_and_std_mean(bt, x, data):
    dim = data.draw(st.one_of(st.none(), st.integers(-x.dim(), x.dim() - 1)))
    unbiased = data.draw(st.booleans())
    assume((x.numel() if dim is None else x.shape[dim]) > 1)
    for name in ("var_mean", "std_mean"):
        real = getattr(torch, name)(x, dim, unbiased)
        ours = getattr(bt, name)(to_bt(bt, x), dim, unbiased)
        assert_same(ours[0], real[0])
        assert_same(ours[1], real[1])
    (real, real_grad), (ours, our_grad) = run_both(
        bt, lambda lib, a: lib.var_mean(a, dim)[0] * 2 + lib.var_mean(a, dim)[1], x
    )
    assert_same(ours, real)
    assert_same(our_grad, real_grad, rtol=1e-6, atol=1e-6)


def test_var_warns_and_refuses_like_pytorch(bt):
    with pytest.warns(UserWarning, match=r"var\(\): degrees of freedom is <= 0"):
        assert math.isnan(bt.tensor([1.0]).var().item())
    with pytest.raises(RuntimeError, match="std and var only support floating point and complex dtypes"):
        bt.tensor([1, 2]).var()
    assert bt.tensor([[1.0, 2.0], [3.0, 5.0]]).var(1, False).tolist() == [0.25, 1.0]  # legacy positional unbiased
    assert bt.var(bt.tensor([1.0, 2.0, 4.0]), False).item() == torch.var(torch.tensor([1.0, 2.0, 4.0]), False).item()


# ---- prod, norms, logsumexp -----------------------------------------------------------------------------------------
@given(x=tensors(elements=st.floats(0.5, 1.5, width=32)), data=st.data())
def test_prod_exact_in_atens_vectorized_order(bt, x, data):
    dim = data.draw(st.one_of(st.none(), st.integers(-x.dim(), x.dim() - 1)))
    keepdim = data.draw(st.booleans())
    fn = (lambda lib, a: a.prod()) if dim is None else (lambda lib, a: lib.prod(a, dim, keepdim=keepdim))
    check(bt, fn, x)
    long = x.flatten().repeat(40)[:97]  # several blocks of 4 vectors, and a tail
    assert_same(to_bt(bt, long).prod(), long.prod())


def test_prod_with_zeros_and_integers(bt):
    x = torch.tensor([[2.0, 0.0, 3.0], [1.5, 2.0, -1.0]])
    check(bt, lambda lib, a: a.prod(1), x)
    check(bt, lambda lib, a: a.prod(), x)
    assert_same(bt.tensor([[3, 4], [5, 6]]).prod(0), torch.tensor([[3, 4], [5, 6]]).prod(0))
    assert_same(bt.tensor([True, True]).prod(), torch.tensor([True, True]).prod())


@pytest.mark.parametrize("p", [2, 1, float("inf"), float("-inf"), 3, 0.5])
@given(x=tensors(), data=st.data())
def test_norm(bt, p, x, data):
    dim = data.draw(st.one_of(st.none(), st.integers(-x.dim(), x.dim() - 1)))
    keepdim = data.draw(st.booleans())
    x = torch.where(x == 0, 0.5, x)  # (the gradient of |x|^p at 0 is a choice)
    fn = (lambda lib, a: a.norm(p)) if dim is None else (lambda lib, a: a.norm(p, dim, keepdim))
    # p=3 and 0.5 go through pow, whose float32 values PyTorch takes from its own pow kernel: within rounding
    close = p in (3, 0.5)
    check(bt, fn, x, rtol=1e-6 if close else 0, grad_rtol=1e-5 if close else 0, grad_atol=1e-6 if close else 0)


@given(x=tensors(shape=(1, 50)), data=st.data())
def test_two_norm_of_long_rows_is_exact(bt, x, data):
    n = data.draw(st.integers(1, 50))
    row = x[0, :n].contiguous()
    assert_same(to_bt(bt, row).norm(), row.norm())
    assert_same(to_bt(bt, x).norm(dim=1), x.norm(dim=1))
    assert_same(to_bt(bt, x.t()).norm(dim=0), x.t().norm(dim=0))


@given(x=tensors(), data=st.data())
def test_logsumexp(bt, x, data):
    dim = data.draw(st.integers(-x.dim(), x.dim() - 1))
    keepdim = data.draw(st.booleans())
    # exp and log are those of the runtime (within 1 ulp of PyTorch's SLEEF versions), the rest is exact
    check(bt, lambda lib, a: a.logsumexp(dim, keepdim), x, rtol=1e-6, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)


# ---- amax, amin, aminmax, nansum, nanmean, count_nonzero ------------------------------------------------------------
@pytest.mark.parametrize("name", ["amax", "amin"])
@given(x=tensors(elements=st.sampled_from([-1.0, 0.5, 2.0, 3.0])), data=st.data())
def test_amax_amin_split_gradient_among_ties(bt, name, x, data):
    dim = data.draw(st.one_of(st.just(()), st.integers(-x.dim(), x.dim() - 1)))
    keepdim = data.draw(st.booleans())
    check(bt, lambda lib, a: getattr(a, name)(dim, keepdim), x)


@given(x=tensors(), data=st.data())
def test_aminmax(bt, x, data):
    dim = data.draw(st.one_of(st.none(), st.integers(-x.dim(), x.dim() - 1)))
    real, ours = torch.aminmax(x, dim=dim), bt.aminmax(to_bt(bt, x), dim=dim)
    assert_same(ours.min, real.min)
    assert_same(ours.max, real.max)
    assert repr(ours).startswith("torch.return_types.aminmax(\nmin=")


@given(x=tensors(elements=st.one_of(FLOAT32, st.just(float("nan")))), data=st.data())
def test_nansum_nanmean(bt, x, data):
    dim = data.draw(st.one_of(st.none(), st.integers(-x.dim(), x.dim() - 1)))
    check(bt, lambda lib, a: a.nansum() if dim is None else a.nansum(dim), x)
    real, ours = x.nanmean() if dim is None else x.nanmean(dim), to_bt(bt, x).nanmean(dim)
    assert_same(ours, real)
    assert_same(bt.count_nonzero(to_bt(bt, x), dim), torch.count_nonzero(x, dim))


def test_integer_reductions(bt):
    x = torch.tensor([[1, -2, 3], [4, 5, 6]])
    ours = to_bt(bt, x)
    for fn in (
        lambda a: a.sum(),
        lambda a: a.sum(0),
        lambda a: a.prod(1),
        lambda a: a.cumsum(1),
        lambda a: a.amax(0),
        lambda a: a.nansum(),
        lambda a: a.cumprod(0),
    ):
        assert_same(fn(ours), fn(x))
    assert_same(ours.mean(dtype=bt.float32), x.mean(dtype=torch.float32))
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype"):
        ours.mean()
    with pytest.raises(RuntimeError, match="nanmean\\(\\): expected input to have floating point"):
        ours.nanmean()


# ---- cumulative ops -------------------------------------------------------------------------------------------------
@given(x=tensors(), data=st.data())
def test_cumsum_accumulates_in_double(bt, x, data):
    dim = a_dim(data, x)
    check(bt, lambda lib, a: a.cumsum(dim), x)
    long = x.flatten().repeat(30)
    assert_same(to_bt(bt, long).cumsum(0), long.cumsum(0))


@given(x=tensors(elements=st.floats(0.5, 2, width=32)), data=st.data())
def test_cumprod(bt, x, data):
    dim = a_dim(data, x)
    check(bt, lambda lib, a: a.cumprod(dim), x)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@given(x=tensors(elements=st.sampled_from([-1.0, 0.5, 2.0, float("nan")])), data=st.data())
def test_cummax_cummin_ties_and_nans(bt, name, x, data):
    dim = a_dim(data, x)
    real, ours = getattr(x, name)(dim), getattr(to_bt(bt, x), name)(dim)
    assert_same(ours.values, real.values)
    assert_same(ours.indices, real.indices)
    check(bt, lambda lib, a: getattr(a, name)(dim).values, torch.nan_to_num(x, 1.5))


# ---- sorting and selection ------------------------------------------------------------------------------------------
TIES = st.sampled_from([-1.0, 0.0, 0.5, 2.0, 3.0])


@given(x=tensors(elements=TIES), data=st.data())
def test_sort_stable_and_argsort(bt, x, data):
    dim, descending = a_dim(data, x), data.draw(st.booleans())
    real, ours = (
        x.sort(dim=dim, descending=descending, stable=True),
        to_bt(bt, x).sort(dim=dim, descending=descending, stable=True),
    )
    assert_same(ours.values, real.values)
    assert_same(ours.indices, real.indices)
    assert_same(
        bt.argsort(to_bt(bt, x), dim=dim, descending=descending, stable=True),
        torch.argsort(x, dim=dim, descending=descending, stable=True),
    )
    assert_same(to_bt(bt, x).sort(dim, descending).values, x.sort(dim, descending).values)  # ties: values only
    check(bt, lambda lib, a: a.sort(dim=dim, descending=descending, stable=True).values, x)


@given(
    x=tensors(
        of_shapes=st.lists(st.integers(1, 80), min_size=1, max_size=2).map(tuple),
        elements=st.one_of(TIES, st.just(float("nan"))),
    ),
    data=st.data(),
)
def test_topk_reproduces_libstdcxx_selection_with_ties(bt, x, data):
    """Indices of tied values come out as std::nth_element / std::partial_sort leave them: equal to PyTorch's."""
    dim = a_dim(data, x)
    k = data.draw(st.integers(0, x.shape[dim]))
    largest, sorted_ = data.draw(st.booleans()), data.draw(st.booleans())
    real = x.topk(k, dim, largest, sorted_)
    ours = to_bt(bt, x).topk(k, dim, largest, sorted_)
    assert_same(ours.values, real.values)
    assert_same(ours.indices, real.indices)
    if k:
        check(bt, lambda lib, a: a.topk(k, dim, largest, sorted_).values, torch.nan_to_num(x, 1.5))


@given(
    x=tensors(
        of_shapes=st.lists(st.integers(1, 30), min_size=1, max_size=2).map(tuple),
        elements=st.one_of(TIES, st.just(float("nan"))),
    ),
    data=st.data(),
)
def test_kthvalue_median_nanmedian_indices(bt, x, data):
    dim, keepdim = a_dim(data, x), data.draw(st.booleans())
    k = data.draw(st.integers(1, x.shape[dim]))
    for fn in (
        lambda a: a.kthvalue(k, dim, keepdim),
        lambda a: a.median(dim, keepdim),
        lambda a: a.nanmedian(dim, keepdim),
    ):
        real, ours = fn(x), fn(to_bt(bt, x))
        assert_same(ours.values, real.values)
        assert_same(ours.indices, real.indices)
    assert_same(to_bt(bt, x).median(), x.median())
    assert_same(to_bt(bt, x).nanmedian(), x.nanmedian())
    x = torch.nan_to_num(x, 1.5)
    check(bt, lambda lib, a: a.kthvalue(k, dim, keepdim).values, x)
    check(bt, lambda lib, a: a.median(dim, keepdim).values, x)
    check(bt, lambda lib, a: a.median(), x)


@given(x=tensors(elements=TIES))
def test_unique_and_unique_consecutive(bt, x):
    for sorted_ in (True, False):
        real = torch.unique(x, sorted=sorted_, return_inverse=True, return_counts=True)
        ours = bt.unique(to_bt(bt, x), sorted=sorted_, return_inverse=True, return_counts=True)
        for o, r in zip(ours, real):
            assert_same(o, r)
    for o, r in zip(
        bt.unique_consecutive(to_bt(bt, x), return_inverse=True, return_counts=True),
        torch.unique_consecutive(x, return_inverse=True, return_counts=True),
    ):
        assert_same(o, r)
    assert_same(to_bt(bt, x).unique(), x.unique())


@given(data=st.data())
def test_bincount_and_histc(bt, data):
    n = data.draw(st.integers(0, 30))
    values = torch.tensor(data.draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)), dtype=torch.int64)
    weights = data.draw(tensors(shape=(n,)))
    minlength = data.draw(st.integers(0, 12))
    assert_same(bt.bincount(to_bt(bt, values), minlength=minlength), torch.bincount(values, minlength=minlength))
    assert_same(bt.bincount(to_bt(bt, values), to_bt(bt, weights)), torch.bincount(values, weights))
    x = data.draw(tensors())
    bins = data.draw(st.integers(1, 12))
    low, high = sorted(data.draw(st.lists(FLOAT32, min_size=2, max_size=2)))
    assert_same(bt.histc(to_bt(bt, x), bins), torch.histc(x, bins))
    assert_same(bt.histc(to_bt(bt, x), bins, low, high), torch.histc(x, bins, low, high))


def test_return_types_print_like_pytorch(bt):
    x = torch.tensor([[3.0, 1.0], [2.0, 2.0]])
    for fn in (
        lambda a: a.sort(),
        lambda a: a.topk(1),
        lambda a: a.median(0),
        lambda a: a.kthvalue(1),
        lambda a: a.cummax(1),
    ):
        assert repr(fn(to_bt(bt, x))) == repr(fn(x))


@given(
    x=tensors(of_shapes=st.lists(st.integers(1, 40), min_size=1, max_size=2).map(tuple), elements=TIES), data=st.data()
)
def test_mode_reproduces_std_sort_ties(bt, x, data):
    dim, keepdim = a_dim(data, x), data.draw(st.booleans())
    real, ours = x.mode(dim, keepdim), to_bt(bt, x).mode(dim, keepdim)
    assert_same(ours.values, real.values)
    assert_same(ours.indices, real.indices)
    check(bt, lambda lib, a: a.mode(dim, keepdim).values, x)
