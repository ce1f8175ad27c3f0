"""Differences from PyTorch that the learner corpus showed (tests/runtime/learner_programs/), each checked against
real torch: broadcasting errors, autograd's in-place message, node names, out= of the matrix products, addmm's
alpha and beta, data_ptr, isinf and friends, quantile, integer bitwise ops, empty shapes, GELU's tanh form."""

import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import assert_same, to_bt

settings.register_profile(
    "corpus_fixes",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("corpus_fixes")

FLOAT32 = st.floats(-8, 8, width=32, allow_nan=False, allow_infinity=False)


def error_of(fn, *args):
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001  (the type and text are compared)
        return type(e).__name__, str(e)
    return None


def same_error(fn_real, fn_ours):
    real, ours = error_of(fn_real), error_of(fn_ours)
    assert real is not None and ours == real


# ---- 1. broadcasting errors name the first mismatching dim from the right ------------------------------------
@pytest.mark.parametrize(
    "a, b", [((2, 3), (3, 2)), ((4, 3, 2), (5, 1, 3)), ((0,), (2,)), ((2, 1), (3, 0)), ((3,), (2, 4))]
)
def test_broadcast_error_names_last_mismatch(bt, a, b):
    same_error(lambda: torch.zeros(a) + torch.zeros(b), lambda: bt.zeros(a) + bt.zeros(b))


def test_broadcast_shapes_folds_left_to_right(bt):
    assert tuple(bt.broadcast_shapes((2, 1), (1, 3), (1,))) == (2, 3)
    assert tuple(bt.broadcast_shapes((2, 1), (1, 0))) == tuple(torch.broadcast_shapes((2, 1), (1, 0)))
    same_error(lambda: torch.broadcast_shapes((2, 1), (3, 0)), lambda: bt.broadcast_shapes((2, 1), (3, 0)))
    assert tuple(bt.broadcast_shapes()) == ()
    same_error(
        lambda: torch.where(torch.ones(2, 3) > 0, torch.ones(2, 3), torch.ones(4, 3)),
        lambda: bt.where(bt.ones(2, 3) > 0, bt.ones(2, 3), bt.ones(4, 3)),
    )


# ---- 2. the in-place modification error names the saved tensor's node ------------------------------------------
class _Saver:
    """A custom Function saving its output and its input."""

    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y, x)
        return y

    @staticmethod
    def backward(ctx, g):
        y, _ = ctx.saved_tensors
        return g * y


def _in_place_cases(lib):
    MyFn = type("MyFn", (lib.autograd.Function,), dict(vars(_Saver)))

    def output_of_exp():
        b = lib.ones(3, requires_grad=True).exp()
        b.add_(1)
        b.sum().backward()

    def input_then_add():
        a = lib.ones(3, requires_grad=True) * 2
        c = a * a
        a.add_(1)
        c.sum().backward()

    def leaf_under_no_grad():
        a = lib.ones(3, requires_grad=True)
        c = a.sin() * a
        with lib.no_grad():
            a.add_(1)
        c.sum().backward()

    def plain_tensor():
        a = lib.ones(3)
        d = (lib.ones(3, requires_grad=True) * 2) * a
        a.add_(1)
        d.sum().backward()

    def twice_in_place():
        b = lib.ones(3, requires_grad=True).sigmoid()
        b.sigmoid_()
        b.mul_(2)
        b.sum().backward()

    def custom_output():
        y = MyFn.apply(lib.ones(3, requires_grad=True) * 1)
        y.add_(1)
        y.sum().backward()

    def custom_input():
        b = lib.ones(3, requires_grad=True) * 1
        y = MyFn.apply(b)
        b.add_(1)
        y.sum().backward()

    return [
        output_of_exp,
        input_then_add,
        leaf_under_no_grad,
        plain_tensor,
        twice_in_place,
        custom_output,
        custom_input,
    ]


@pytest.mark.parametrize("case", range(7))
def test_modified_by_in_place_message(bt, case):
    same_error(_in_place_cases(torch)[case], _in_place_cases(bt)[case])


# ---- 3. Div nodes: Python's `x / 2` is DivBackward0, ATen's C++ division by a number DivBackward1 -------------------
def _division_cases(lib):
    F = lib.nn.functional
    lib.manual_seed(0)
    x = lib.randn(3, 4, requires_grad=True)
    t, w = lib.tensor([0, 1, 2]), lib.rand(4)
    soft = x.softmax(1).detach()
    return [
        lambda: x / 2,
        lambda: x / lib.tensor(2.0),
        lambda: 2 / x,
        lambda: x.div(2),
        lambda: x.mean(),
        lambda: F.cross_entropy(x, t, ignore_index=1),
        lambda: F.cross_entropy(x, t, weight=w),
        lambda: F.nll_loss(x, t, weight=w),
        lambda: F.cross_entropy(x, t, label_smoothing=0.1, ignore_index=1),
        lambda: F.cross_entropy(x, soft),
        lambda: F.cross_entropy(x, soft, label_smoothing=0.2),
        lambda: F.cross_entropy(x, soft, weight=w),
        lambda: F.kl_div(x, soft, reduction="batchmean"),
    ]


@pytest.mark.parametrize("case", range(13))
def test_division_node_names(bt, case):
    from runtime_helpers import graph_signature

    real, ours = _division_cases(torch)[case](), _division_cases(bt)[case]()
    assert graph_signature(ours.grad_fn) == graph_signature(real.grad_fn)
    assert_same(ours, real)


# ---- 4. out= of the matrix products --------------------------------------------------------------------------------
def _product_outs(lib):
    lib.manual_seed(0)
    a, m, v = lib.randn(2, 3, 4), lib.randn(4, 5), lib.randn(4)
    return [
        ("matmul", lambda out: lib.matmul(a[0], m, out=out)),
        ("matmul", lambda out: lib.matmul(a, m, out=out)),
        ("mm", lambda out: lib.mm(a[0], m, out=out)),
        ("bmm", lambda out: lib.bmm(a, a.transpose(1, 2), out=out)),
        ("mv", lambda out: lib.mv(m.t(), v, out=out)),
        ("dot", lambda out: lib.dot(v, v, out=out)),
        ("addmm", lambda out: lib.addmm(lib.ones(5), a[0], m, out=out)),
        ("baddbmm", lambda out: lib.baddbmm(lib.ones(3, 3), a, a.transpose(1, 2), out=out)),
        ("addmv", lambda out: lib.addmv(lib.ones(5), m.t(), v, out=out)),
        ("addbmm", lambda out: lib.addbmm(lib.ones(3, 3), a, a.transpose(1, 2), out=out)),
        ("outer", lambda out: lib.outer(v, v, out=out)),
    ]


@pytest.mark.parametrize("case", range(11))
@pytest.mark.parametrize("empty", [True, False])
def test_products_write_out(bt, case, empty):
    _, real_fn = _product_outs(torch)[case]
    _, our_fn = _product_outs(bt)[case]
    expected = real_fn(None)
    real_out = torch.empty(0) if empty else torch.zeros(expected.shape)
    our_out = bt.empty(0) if empty else bt.zeros(tuple(expected.shape))
    assert real_fn(real_out) is real_out and our_fn(our_out) is our_out
    assert_same(our_out, real_out, rtol=1e-6, atol=1e-6)  # the products' sums are helper M's (kernel order)


def test_matmul_out_refuses_autograd(bt):
    same_error(
        lambda: torch.matmul(torch.ones(2, 2, requires_grad=True), torch.ones(2, 2), out=torch.empty(2, 2)),
        lambda: bt.matmul(bt.ones(2, 2, requires_grad=True), bt.ones(2, 2), out=bt.empty(2, 2)),
    )


# ---- 5. addmm, addbmm with alpha and beta ----------------------------------------------------------------------------
SCALES = st.sampled_from([0.0, 1.0, 0.5, 2.0, -1.7, 0.3])


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), SCALES, SCALES, st.booleans(), st.integers(0, 2**16))
def test_addmm_alpha_beta(bt, m, k, n, alpha, beta, row_bias, seed):
    g = torch.Generator().manual_seed(seed)
    inputs = [
        torch.randn(n if row_bias else (m, n), generator=g),
        torch.randn(m, k, generator=g),
        torch.randn(k, n, generator=g),
    ]
    real = [x.clone().requires_grad_(True) for x in inputs]
    ours = [to_bt(bt, x, requires_grad=True) for x in inputs]
    r, o = torch.addmm(*real, beta=beta, alpha=alpha), bt.addmm(*ours, beta=beta, alpha=alpha)
    # MKL's sgemm scales inside its loops: the last bit may differ (the runtime rounds each scaled term).
    assert_same(o, r, rtol=3e-7, atol=1e-6)
    assert o.grad_fn.name() == r.grad_fn.name() == "AddmmBackward0"
    upstream = torch.randn(m, n, generator=g)
    r.backward(upstream)
    o.backward(to_bt(bt, upstream))
    for x, y in zip(ours, real):
        assert_same(x.grad, y.grad, rtol=1e-6, atol=1e-6)


@given(
    st.integers(0, 3), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), SCALES, SCALES, st.integers(0, 2**16)
)
def test_addbmm_alpha_beta(bt, b, m, k, n, alpha, beta, seed):
    g = torch.Generator().manual_seed(seed)
    inputs = [torch.randn(m, n, generator=g), torch.randn(b, m, k, generator=g), torch.randn(b, k, n, generator=g)]
    real = [x.clone().requires_grad_(True) for x in inputs]
    ours = [to_bt(bt, x, requires_grad=True) for x in inputs]
    r, o = torch.addbmm(*real, beta=beta, alpha=alpha), bt.addbmm(*ours, beta=beta, alpha=alpha)
    assert_same(o, r, rtol=1e-6, atol=1e-6)
    assert o.grad_fn.name() == r.grad_fn.name()
    upstream = torch.randn(m, n, generator=g)
    r.backward(upstream)
    o.backward(to_bt(bt, upstream))
    for x, y in zip(ours, real):
        if y.grad is None:
            assert x.grad is None
        else:
            assert_same(x.grad, y.grad, rtol=1e-6, atol=1e-6)


def test_addmm_in_place_and_bad_bias(bt):
    x, y = torch.ones(3, 5), bt.ones(3, 5)
    torch.manual_seed(0)
    m1, m2 = torch.randn(3, 4), torch.randn(4, 5)
    x.addmm_(m1, m2, alpha=3)
    y.addmm_(to_bt(bt, m1), to_bt(bt, m2), alpha=3)
    assert_same(y, x, rtol=1e-6, atol=1e-6)
    same_error(
        lambda: torch.addmm(torch.ones(2, 5), m1, m2), lambda: bt.addmm(bt.ones(2, 5), to_bt(bt, m1), to_bt(bt, m2))
    )


# ---- 6. data_ptr, untyped_storage, is_set_to -------------------------------------------------------------------------
def _storage_facts(lib):
    a = lib.arange(6.0)
    b, c = a.view(2, 3), a[2:]
    s = a.untyped_storage()
    i = lib.arange(4)
    return [
        a.data_ptr() == b.data_ptr(),
        c.data_ptr() - a.data_ptr(),
        i[1:].data_ptr() - i.data_ptr(),
        a.clone().data_ptr() == a.data_ptr(),
        lib.empty(0).data_ptr(),
        c.storage_offset(),
        a.is_set_to(b),
        a.is_set_to(a),
        a.is_set_to(a.view(6)),
        a.is_set_to(a.detach()),
        a.is_set_to(a.clone()),
        s.nbytes(),
        len(s),
        s.data_ptr() == a.data_ptr(),
        c.untyped_storage().data_ptr() == a.data_ptr(),
    ]


def test_data_ptr_tells_shared_storage(bt):
    assert _storage_facts(bt) == _storage_facts(torch)


# ---- 7. isinf and friends, torch.where(condition), Tensor.where ----------------------------------------------------
SPECIAL = st.sampled_from([0.0, -0.0, 1.5, -2.0, math.inf, -math.inf, math.nan, -math.nan])


@given(st.lists(SPECIAL | FLOAT32, min_size=1, max_size=9))
def test_float_predicates(bt, values):
    real = torch.tensor(values)
    ours = to_bt(bt, real)
    for name in ("isinf", "isposinf", "isneginf", "isreal", "signbit", "isnan", "isfinite"):
        assert_same(getattr(bt, name)(ours), getattr(torch, name)(real))
        assert_same(getattr(ours, name)(), getattr(real, name)())


def test_integer_predicates(bt):
    for values, dtype in (([1, -1, 0], "int64"), ([True, False], "bool")):
        real = torch.tensor(values, dtype=getattr(torch, dtype))
        ours = bt.tensor(values, dtype=getattr(bt, dtype))
        for name in ("isinf", "isposinf", "isneginf", "isreal", "signbit"):
            assert_same(getattr(bt, name)(ours), getattr(torch, name)(real))


@pytest.mark.parametrize("values", [[[True, False], [False, True]], [1.0, 0.0, -2.0], True, False, [[]]])
def test_where_with_condition_only(bt, values):
    real, ours = torch.where(torch.tensor(values)), bt.where(bt.tensor(values))
    assert len(real) == len(ours)
    for o, r in zip(ours, real):
        assert_same(o, r)


def test_where_method_and_two_arguments(bt):
    x, y = torch.tensor([1.0, -2.0, 3.0]), bt.tensor([1.0, -2.0, 3.0])
    assert_same(y.where(y > 0, bt.zeros(3)), x.where(x > 0, torch.zeros(3)))
    assert_same(y.where(y > 0, 7.0), x.where(x > 0, 7.0))
    same_error(lambda: torch.where(x > 0, x), lambda: bt.where(y > 0, y))


# ---- 8. quantile and nanquantile -------------------------------------------------------------------------------------
MODES = st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"])
QS = st.floats(0, 1, width=32) | st.lists(st.floats(0, 1, width=32), min_size=1, max_size=4)


def _signature(node):
    from runtime_helpers import graph_signature

    return graph_signature(node)


@given(
    st.lists(st.integers(1, 5), min_size=0, max_size=3).map(tuple),
    st.data(),
    QS,
    MODES,
    st.sampled_from([None, 0, -1, 1]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_quantile(bt, shape, data, q, mode, dim, keepdim, nan_version, with_nans):
    elements = (FLOAT32 | st.just(math.nan)) if with_nans else FLOAT32
    values = data.draw(st.lists(elements, min_size=math.prod(shape), max_size=math.prod(shape)))
    if dim is not None and not -max(len(shape), 1) <= dim < max(len(shape), 1):
        dim = None
    real = torch.tensor(values).reshape(shape).requires_grad_(True)
    ours = to_bt(bt, real, requires_grad=True)
    name = "nanquantile" if nan_version else "quantile"
    rq, oq = (torch.tensor(q), bt.tensor(q)) if isinstance(q, list) else (q, q)
    r = getattr(torch, name)(real, rq, dim=dim, keepdim=keepdim, interpolation=mode)
    o = getattr(bt, name)(ours, oq, dim=dim, keepdim=keepdim, interpolation=mode)
    assert_same(o, r)
    assert _signature(o.grad_fn) == _signature(r.grad_fn)
    if not with_nans and len(set(values)) == len(values):  # (ties: PyTorch's unstable sort picks which one)
        g = torch.randn(r.shape)
        r.backward(g)
        o.backward(to_bt(bt, g))
        assert_same(ours.grad, real.grad)


def test_quantile_errors(bt):
    x, y = torch.randn(5, 3), bt.randn(5, 3)
    cases = [
        (lambda m, t: m.quantile(t, 1.5)),
        (lambda m, t: m.quantile(t, m.tensor([1.5]))),
        (lambda m, t: m.quantile(t, 0.5, interpolation="foo")),
        (lambda m, t: m.quantile(t.long(), 0.5)),
        (lambda m, t: m.quantile(t, m.tensor([0.5], dtype=m.float64))),
        (lambda m, t: m.quantile(m.empty(0), 0.5)),
        (lambda m, t: m.quantile(t, m.ones(2, 2) * 0.5)),
        (lambda m, t: m.nanquantile(t, 2.0)),
        (lambda m, t: m.quantile(t, 0.5, dim=2)),
    ]
    for case in cases:
        same_error(lambda: case(torch, x), lambda: case(bt, y))


# ---- 9. integer bitwise ops and their operators ----------------------------------------------------------------
INT_DTYPES = ["int64", "int32", "int16", "int8", "uint8", "bool"]


@st.composite
def int_tensor(draw, dtype, n):
    if dtype == "bool":
        return draw(st.lists(st.booleans(), min_size=n, max_size=n))
    info = torch.iinfo(getattr(torch, dtype))
    return draw(
        st.lists(st.integers(info.min, info.max) | st.integers(-3, 70), min_size=n, max_size=n).map(
            lambda vs: [min(max(v, info.min), info.max) for v in vs]
        )
    )


@given(st.sampled_from(INT_DTYPES), st.sampled_from(INT_DTYPES), st.integers(1, 6), st.data())
def test_bitwise_ops(bt, left, right, n, data):
    a, b = data.draw(int_tensor(left, n)), data.draw(int_tensor(right, n))
    ra, rb = torch.tensor(a, dtype=getattr(torch, left)), torch.tensor(b, dtype=getattr(torch, right))
    oa, ob = bt.tensor(a, dtype=getattr(bt, left)), bt.tensor(b, dtype=getattr(bt, right))
    operators = [
        lambda x, y: x & y,
        lambda x, y: x | y,
        lambda x, y: x ^ y,
        lambda x, y: x << y,
        lambda x, y: x >> y,
        lambda x, y: ~x,
        lambda x, y: x & 5,
        lambda x, y: 3 | y,
        lambda x, y: 2 << y,
        lambda x, y: x >> 2,
    ]
    for fn in operators:
        real, ours = error_of(fn, ra, rb), error_of(fn, oa, ob)
        assert ours == real
        if real is None:
            assert_same(fn(oa, ob), fn(ra, rb))
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"):
        if error_of(getattr(torch, name), ra, rb) is None:
            assert_same(getattr(bt, name)(oa, ob), getattr(torch, name)(ra, rb))
            assert_same(getattr(oa, name)(ob), getattr(ra, name)(rb))


def test_bitwise_in_place_and_float_errors(bt):
    for lib in (torch, bt):
        x = lib.tensor([6, 5])
        x &= lib.tensor([3, 3])
        x <<= 2
        x |= 1
        x.bitwise_xor_(7)
        x >>= 1
        x ^= 2
        x.bitwise_not_()
        if lib is torch:
            expected = x
    assert_same(x, expected)
    cases = [
        lambda m: m.tensor([1.5]) & m.tensor([1]),
        lambda m: ~m.tensor([1.5]),
        lambda m: m.tensor([1.5]) << 1,
        lambda m: m.tensor([1]) & 1.5,
        lambda m: m.bitwise_not(m.tensor([1.0], dtype=m.float64)),
        lambda m: m.tensor([3]) >> m.tensor([1.0]),
    ]
    for case in cases:
        same_error(lambda: case(torch), lambda: case(bt))


# ---- 10. shapes with a size 0: strides, contiguity, tolist, to_bt ----------------------------------------------------
@pytest.mark.parametrize("shape", [(2, 0), (2, 0, 3), (0, 3), (3, 0, 0, 2), (0,), (0, 0)])
def test_empty_shapes(bt, shape):
    real, ours = torch.empty(shape), bt.empty(shape)
    for fn in (
        lambda t: t.stride(),
        lambda t: t.tolist(),
        lambda t: t.is_contiguous(),
        lambda t: t.flatten().stride(),
        lambda t: t.unsqueeze(1).stride(),
        lambda t: t.clone().stride(),
        lambda t: (t + 1).stride(),
        lambda t: t.transpose(0, -1).is_contiguous(),
        lambda t: t.transpose(0, -1).contiguous().stride(),
        lambda t: t.reshape(-1, 0).stride(),
        lambda t: t.view(2, -1, 0).stride(),
        lambda t: tuple(t.sum(-1).shape),
    ):
        assert error_of(fn, ours) == error_of(fn, real)
        if error_of(fn, real) is None:
            assert fn(ours) == fn(real)
    assert tuple(to_bt(bt, real).shape) == shape


def test_view_of_empty(bt):
    for lib in (torch, bt):
        facts = [
            lib.zeros(2, 0).view(0, 5).stride(),
            lib.zeros(2, 0).reshape(4, 0).stride(),
            lib.zeros(2, 0, 3).permute(2, 0, 1).reshape(6, 0).stride(),
            lib.zeros(2, 0, 3)[:, :, 1].stride(),
        ]
        if lib is torch:
            expected = facts
    assert facts == expected


# ---- 11. GELU (erf form): oneDNN's polynomial for contiguous float32, ATen's vector erf elsewhere -------------------
WIDE = st.floats(-12, 12, width=32, allow_nan=False, allow_infinity=False)


@given(st.lists(WIDE | SPECIAL, min_size=2, max_size=80))
def test_gelu_contiguous_is_onednn(bt, values):
    real = torch.tensor(values)
    assert_same(bt.nn.functional.gelu(to_bt(bt, real)), torch.nn.functional.gelu(real))


@given(st.integers(1, 12), st.integers(1, 12), st.booleans(), st.data())
def test_gelu_elsewhere_is_atens_loop(bt, rows, cols, single, data):
    """Transposed (dense, not contiguous) or single-element tensors: ATen's vector erf in the blocks, glibc's
    erff on the rest."""
    values = data.draw(st.lists(WIDE | SPECIAL, min_size=rows * cols, max_size=rows * cols))
    real = torch.tensor(values).reshape(rows, cols)
    ours = to_bt(bt, real)
    real, ours = (real[:1, :1], ours[:1, :1]) if single else (real.t(), ours.t())
    assert_same(bt.nn.functional.gelu(ours), torch.nn.functional.gelu(real))


def test_gelu_corpus_values(bt):
    x = torch.linspace(-3, 3, 7, requires_grad=True)
    y = bt.linspace(-3, 3, 7, requires_grad=True)
    assert_same(bt.nn.GELU()(y), torch.nn.GELU()(x))
    assert_same(bt.nn.GELU(approximate="tanh")(y), torch.nn.GELU(approximate="tanh")(x))


@given(st.integers(1, 9), st.integers(1, 40), st.booleans(), st.data())
def test_gelu_tanh_form(bt, rows, cols, transposed, data):
    """SLEEF's tanhf in the vector blocks, glibc's tanhf (expm1f) on the rest, inner sum fused: bit for bit."""
    values = data.draw(st.lists(WIDE | SPECIAL, min_size=rows * cols, max_size=rows * cols))
    real = torch.tensor(values).reshape(rows, cols)
    ours = to_bt(bt, real)
    if transposed:
        real, ours = real.t(), ours.t()
    assert_same(bt.nn.functional.gelu(ours, approximate="tanh"), torch.nn.functional.gelu(real, approximate="tanh"))


@given(
    st.lists(
        WIDE | SPECIAL | st.floats(-(2.0**-10), 2.0**-10, width=32) | st.floats(-(2.0**-120), 2.0**-120, width=32),
        min_size=1,
        max_size=40,
    )
)
def test_glibc_expm1f_tanhf_erff(bt, values):
    """The scalar tanhf and erff of the GELU tails against glibc's own (2.36 here; newer glibc may round otherwise)."""
    import ctypes

    try:
        libm = ctypes.CDLL("libm.so.6")
    except OSError:
        pytest.skip("no glibc here")
    for name in ("expm1f", "tanhf", "erff"):
        getattr(libm, name).restype, getattr(libm, name).argtypes = ctypes.c_float, [ctypes.c_float]
    ours = bt._ops.libm
    for v in values:
        for mine, theirs in (
            (ours.glibc_expm1f(v), libm.expm1f(v)),
            (ours.glibc_tanhf(v), libm.tanhf(v)),
            (ours.glibc_erff(v), libm.erff(v)),
        ):
            assert mine == theirs or (mine != mine and theirs != theirs)
