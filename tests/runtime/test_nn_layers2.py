"""torch.nn layers of the runtime against real PyTorch (second part): embedding, average / adaptive / dilated and
ceil-mode pooling, 1-d pooling, conv1d, pad, nearest interpolation, ParameterList / ParameterDict, nn.init and
nn.utils. Values and gradients bit for bit unless a comment says otherwise."""

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import assert_same, to_bt, to_real

settings.register_profile(
    "nn_layers2",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = settings.get_profile("nn_layers2")
F = torch.nn.functional


def compare(bt, name, x, *args, grad=True, extra=(), **kwargs):
    """F.name(x, *args, **kwargs) in both libraries: output(s), node name, and x's gradient for a random
    upstream gradient."""
    xr = x.clone().requires_grad_(grad)
    xb = to_bt(bt, xr)
    real = getattr(F, name)(xr, *args, **kwargs)
    ours = getattr(bt.nn.functional, name)(xb, *args, **kwargs)
    reals, ourss = (real, ours) if isinstance(real, tuple) else ((real,), (ours,))
    for r, o in zip(reals, ourss):
        assert_same(o, r)
    if grad and reals[0].numel():
        assert ourss[0].grad_fn.name() == reals[0].grad_fn.name()
        g = torch.randn_like(reals[0])
        reals[0].backward(g)
        ourss[0].backward(to_bt(bt, g))
        assert_same(xb.grad, xr.grad)
    return reals, ourss


def error_of(fn):
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - the type and message are what is compared
        return type(error).__name__, str(error)
    return None


def same_error(bt, fn):
    assert error_of(lambda: fn(bt)) == error_of(lambda: fn(torch))


# ---- embedding --------------------------------------------------------------------------------------------------
@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    rows=st.integers(1, 9),
    width=st.integers(1, 10),
    shape=st.sampled_from([(5,), (3, 4), (2, 3, 2), ()]),
    padding=st.sampled_from([None, 0, -1, 2]),
    freq=st.booleans(),
)
def test_embedding(bt, seed, rows, width, shape, padding, freq):
    torch.manual_seed(seed)
    if padding is not None and not -rows <= padding < rows:
        padding = None
    idx = torch.randint(0, rows, shape)
    w = torch.randn(rows, width)
    wr, wb = w.clone().requires_grad_(), to_bt(bt, w).requires_grad_()
    real = F.embedding(idx, wr, padding_idx=padding, scale_grad_by_freq=freq)
    ours = bt.nn.functional.embedding(to_bt(bt, idx), wb, padding_idx=padding, scale_grad_by_freq=freq)
    assert_same(ours, real)
    assert ours.grad_fn.name() == real.grad_fn.name() == "EmbeddingBackward0"
    g = torch.randn_like(real) * 3
    real.backward(g)
    ours.backward(to_bt(bt, g))
    assert_same(wb.grad, wr.grad)  # duplicate indices add up in index order, float32 step by step


def test_embedding_module(bt):
    outs = []
    for lib in (torch, bt):
        lib.manual_seed(3)
        e = lib.nn.Embedding(10, 4, padding_idx=-2)
        pre = lib.nn.Embedding.from_pretrained(lib.ones(3, 2))
        thawed = lib.nn.Embedding.from_pretrained(lib.ones(3, 2), freeze=False, padding_idx=1)
        y = e(lib.tensor([[8, 1, 8], [2, 8, 9]]))
        (y * y).sum().backward()
        outs.append(
            (
                repr(e),
                repr(pre),
                repr(thawed),
                pre.weight.requires_grad,
                thawed.weight.requires_grad,
                e.padding_idx,
                repr(e.weight),
                repr(e.weight.grad),
                repr(y),
            )
        )
        outs.append(repr(lib.nn.Embedding(5, 2, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)))
    assert outs[0] == outs[2] and outs[1] == outs[3]


def test_embedding_errors(bt):
    w = torch.randn(5, 3)
    for fn in (
        lambda lib: lib.nn.functional.embedding(lib.tensor([7]), lib.randn(5, 3)),
        lambda lib: lib.nn.functional.embedding(lib.tensor([-1]), lib.randn(5, 3)),
        lambda lib: lib.nn.functional.embedding(lib.tensor([1.0]), lib.randn(5, 3)),
        lambda lib: lib.nn.functional.embedding(lib.tensor([1]), lib.randn(5)),
        lambda lib: lib.nn.Embedding(10, 3, padding_idx=10),
        lambda lib: lib.nn.Embedding(10, 3, padding_idx=-11),
        lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(3)),
    ):
        same_error(bt, fn)
    with pytest.raises(NotImplementedError, match="max_norm"):
        bt.nn.Embedding(5, 3, max_norm=1.0)(bt.tensor([1]))
    assert w is not None


def test_embedding_double_backward(bt):
    grads = []
    for lib in (torch, bt):
        w = (lib.arange(12.0).reshape(4, 3) / 7).requires_grad_()
        idx = lib.tensor([1, 3, 1, 0])
        y = lib.nn.functional.embedding(idx, w, padding_idx=0)
        g = lib.linspace(-1, 1, 12).reshape(4, 3).requires_grad_()
        (gw,) = lib.autograd.grad(y, w, g, create_graph=True)
        (gw * gw).sum().backward()
        grads.append((gw, g.grad, gw.grad_fn.name()))
    assert grads[0][2] == grads[1][2]
    assert_same(grads[1][0], grads[0][0])
    assert_same(grads[1][1], grads[0][1])


# ---- pooling ----------------------------------------------------------------------------------------------------
pool_shapes = st.sampled_from([(2, 3, 7, 6), (1, 2, 5, 5), (3, 4, 4), (1, 1, 9, 2), (2, 2, 3, 8)])


@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    shape=pool_shapes,
    k=st.sampled_from([1, 2, 3, (2, 3), (3, 1)]),
    s=st.sampled_from([None, 1, 2, (1, 2)]),
    p=st.sampled_from([0, 1, (0, 1)]),
    ceil=st.booleans(),
    include=st.booleans(),
    divisor=st.sampled_from([None, 3]),
)
def test_avg_pool2d(bt, seed, shape, k, s, p, ceil, include, divisor):
    torch.manual_seed(seed)
    x = torch.randn(*shape) * 5
    args = (k, s, p, ceil, include, divisor)
    if error_of(lambda: F.avg_pool2d(x, *args)):
        same_error(bt, lambda lib: lib.nn.functional.avg_pool2d(to_bt(bt, x) if lib is bt else x, *args))
        return
    compare(bt, "avg_pool2d", x, *args)


@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    shape=pool_shapes,
    size=st.sampled_from([1, 2, 3, (2, None), (None, 3), (5, 4), (1, 1), (4, 1), 7]),
)
def test_adaptive_pools(bt, seed, shape, size):
    torch.manual_seed(seed)
    x = torch.randn(*shape)
    compare(bt, "adaptive_avg_pool2d", x, size)  # (1, 1): a mean over the last two dims, as ATen does
    compare(bt, "adaptive_max_pool2d", x, size, return_indices=True)


@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    shape=pool_shapes,
    k=st.sampled_from([1, 2, 3, (2, 3)]),
    s=st.sampled_from([None, 1, 2, (2, 1)]),
    p=st.sampled_from([0, 1]),
    d=st.sampled_from([1, 2, (1, 2)]),
    ceil=st.booleans(),
)
def test_max_pool2d_dilation_ceil(bt, seed, shape, k, s, p, d, ceil):
    torch.manual_seed(seed)
    x = torch.randn(*shape)
    x[..., 0, 0] = float("nan") if seed % 5 == 0 else x[..., 0, 0]
    args = (k, s, p, d, ceil, True)
    if error_of(lambda: F.max_pool2d(x, *args)):
        same_error(bt, lambda lib: lib.nn.functional.max_pool2d(to_bt(bt, x) if lib is bt else x, *args))
        return
    compare(bt, "max_pool2d", x, *args)


@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    shape=st.sampled_from([(2, 3, 11), (3, 8), (1, 2, 4)]),
    k=st.integers(1, 4),
    s=st.sampled_from([None, 1, 2]),
    p=st.integers(0, 2),
    ceil=st.booleans(),
    size=st.integers(1, 5),
)
def test_1d_pools(bt, seed, shape, k, s, p, ceil, size):
    torch.manual_seed(seed)
    x = torch.randn(*shape)
    if p * 2 <= k and not error_of(lambda: F.avg_pool1d(x, k, s, p, ceil)):
        compare(bt, "avg_pool1d", x, k, s, p, ceil, seed % 2 == 0)
        compare(bt, "max_pool1d", x, k, s, p, 1, ceil, True)
    compare(bt, "adaptive_avg_pool1d", x, size)
    compare(bt, "adaptive_max_pool1d", x, size, True)


def test_pooling_errors(bt):
    def x(lib, *shape):
        return lib.ones(*shape)

    for fn in (
        lambda lib: lib.nn.functional.avg_pool2d(x(lib, 1, 2, 4, 4), 2, padding=2),
        lambda lib: lib.nn.functional.avg_pool2d(x(lib, 1, 2, 4, 4), 5),
        lambda lib: lib.nn.functional.avg_pool2d(x(lib, 1, 2, 4, 4), 2, divisor_override=0),
        lambda lib: lib.nn.functional.max_pool2d(x(lib, 1, 2, 4, 4), 3, dilation=2),
        lambda lib: lib.nn.functional.max_pool1d(x(lib, 4), 2),
        lambda lib: lib.nn.functional.avg_pool1d(x(lib, 4), 2),
        lambda lib: lib.nn.functional.adaptive_avg_pool2d(x(lib, 4), 2),
        lambda lib: lib.nn.functional.adaptive_max_pool2d(x(lib, 4), 2),
        lambda lib: lib.nn.functional.adaptive_avg_pool1d(x(lib, 4), 2),
        lambda lib: lib.nn.functional.adaptive_avg_pool2d(x(lib, 1, 2, 4, 4), (2, 3, 4)),
    ):
        same_error(bt, fn)


def test_pool_double_backward(bt):
    """The backward of each pooling records a node of its own (linear in the gradient): grads of grads match."""
    results = []
    for lib in (torch, bt):
        lib.manual_seed(0)
        x = (lib.randn(2, 2, 5, 5) * 3).requires_grad_()
        out = []
        for fn in (
            lambda t: lib.nn.functional.avg_pool2d(t, 3, 2, 1, True, False),
            lambda t: lib.nn.functional.adaptive_avg_pool2d(t, (2, 3)),
            lambda t: lib.nn.functional.adaptive_max_pool2d(t, 3),
            lambda t: lib.nn.functional.max_pool2d(t, 2, dilation=2, ceil_mode=True),
            lambda t: lib.nn.functional.pad(t, (1, 2, 2, 1), mode="reflect"),
            lambda t: lib.nn.functional.interpolate(t, scale_factor=1.5),
        ):
            y = fn(x)
            g = (lib.arange(float(y.numel())).reshape(y.shape) / 10).requires_grad_()
            (gx,) = lib.autograd.grad(y, x, g, create_graph=True)
            (gg,) = lib.autograd.grad((gx * gx).sum(), g)
            out.append((gx.grad_fn.name(), gx, gg))
        results.append(out)
    for (rn, rx, rg), (on, ox, og) in zip(*results):
        assert rn == on
        assert_same(ox, rx)
        assert_same(og, rg)


def test_pooling_modules_repr_and_forward(bt):
    outs = []
    for lib in (torch, bt):
        nn = lib.nn
        lib.manual_seed(0)
        model = nn.Sequential(
            nn.AvgPool2d(2),
            nn.AvgPool2d((2, 3), 1, 1, True, False, 2),
            nn.AdaptiveAvgPool2d((2, None)),
            nn.AdaptiveMaxPool2d(3),
            nn.MaxPool2d(2, ceil_mode=True, dilation=2),
            nn.Upsample(scale_factor=2),
            nn.Upsample(size=(3, 4)),
        )
        one_d = nn.Sequential(
            nn.MaxPool1d(3),
            nn.AvgPool1d(3),
            nn.AdaptiveAvgPool1d(3),
            nn.AdaptiveMaxPool1d(3),
            nn.Conv1d(3, 4, 3),
            nn.Conv1d(3, 4, 3, padding=1, bias=False, stride=2),
        )
        x = lib.randn(2, 3, 12, 13)
        outs.append((repr(model), repr(one_d), repr(nn.AdaptiveMaxPool2d(3, True)(x)[1]), repr(model(x))))
    assert outs[0] == outs[1]


# ---- conv1d -----------------------------------------------------------------------------------------------------
@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 3),
    c=st.integers(1, 3),
    o=st.integers(1, 4),
    length=st.integers(3, 12),
    k=st.integers(1, 3),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    bias=st.booleans(),
    batched=st.booleans(),
)
def test_conv1d(bt, seed, n, c, o, length, k, stride, padding, bias, batched):
    """conv1d is the runtime's conv2d on a height of 1 (ATen views it so too): bit for bit that conv2d, and as
    close to torch's float32 conv1d as the runtime's conv2d is to torch's (double accumulation, one rounding)."""
    torch.manual_seed(seed)
    x = torch.randn(n, c, length) if batched else torch.randn(c, length)
    w, b = torch.randn(o, c, k), torch.randn(o) if bias else None
    tensors = [t.clone().requires_grad_() if t is not None else None for t in (x, w, b)]
    ours_in = [to_bt(bt, t) if t is not None else None for t in tensors]
    real = F.conv1d(*tensors, stride=stride, padding=padding)
    ours = bt.nn.functional.conv1d(*ours_in, stride=stride, padding=padding)
    assert ours.grad_fn.name() == real.grad_fn.name()
    x4 = to_bt(bt, x.unsqueeze(-2) if batched else x.unsqueeze(0).unsqueeze(2))
    via_2d = bt.nn.functional.conv2d(
        x4, to_bt(bt, w.unsqueeze(2)), ours_in[2].detach() if bias else None, (1, stride), (0, padding)
    )
    assert_same(ours.detach(), to_real(bt.reshape(via_2d, ours.shape)))
    assert_same(ours, real, rtol=1e-5, atol=1e-5)
    g = torch.randn_like(real)
    real.backward(g)
    ours.backward(to_bt(bt, g))
    for r, t in zip(tensors, ours_in):
        if r is not None:
            assert_same(t.grad, r.grad, rtol=1e-5, atol=1e-5)


# ---- pad and interpolate ----------------------------------------------------------------------------------------
@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    shape=st.sampled_from([(2, 3, 5, 4), (3, 6), (1, 2, 3), (2, 1, 2, 3, 4)]),
    mode=st.sampled_from(["constant", "reflect", "replicate"]),
    pads=st.lists(st.integers(-1, 3), min_size=2, max_size=6),
    value=st.floats(-3, 3),
)
def test_pad(bt, seed, shape, mode, pads, value):
    torch.manual_seed(seed)
    x = torch.randn(*shape)
    pads = pads[: len(pads) // 2 * 2]
    kwargs = {"value": value} if mode == "constant" else {}
    if error_of(lambda: F.pad(x, pads, mode, **kwargs)):
        same_error(bt, lambda lib: lib.nn.functional.pad(to_bt(bt, x) if lib is bt else x, pads, mode, **kwargs))
        return
    compare(bt, "pad", x, pads, mode, **kwargs)


@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    shape=st.sampled_from([(2, 3, 5, 4), (1, 2, 3), (1, 1, 2, 3, 4), (1, 1, 7, 9)]),
    scale=st.sampled_from([None, 2, 1.5, 0.5, 3.3, 1, 2.0001, 0.7]),
    size=st.integers(1, 11),
    recompute=st.sampled_from([None, True]),
)
def test_interpolate_nearest(bt, seed, shape, scale, size, recompute):
    torch.manual_seed(seed)
    x = torch.randn(*shape)
    if scale is None:
        kwargs = {"size": size}
    else:
        kwargs = {"scale_factor": scale, "recompute_scale_factor": recompute}
    if error_of(lambda: F.interpolate(x, **kwargs)):
        same_error(bt, lambda lib: lib.nn.functional.interpolate(to_bt(bt, x) if lib is bt else x, **kwargs))
        return
    compare(bt, "interpolate", x, **kwargs)


def test_pad_and_interpolate_errors(bt):
    for fn in (
        lambda lib: lib.nn.functional.pad(lib.ones(1, 2, 3), (3, 3), mode="reflect"),
        lambda lib: lib.nn.functional.pad(lib.ones(1, 2, 3), (1, 1), mode="foo"),
        lambda lib: lib.nn.functional.pad(lib.ones(1, 2, 3), (1, 1, 1)),
        lambda lib: lib.nn.functional.pad(lib.ones(1, 2, 3), (1, 1), mode="reflect", value=2),
        lambda lib: lib.nn.functional.pad(lib.ones(2, 2, 3, 3), (1, 1), mode="reflect"),
        lambda lib: lib.nn.functional.pad(lib.ones(2, 3), (1, 1, 1, 1, 1, 1)),
        lambda lib: lib.nn.functional.interpolate(lib.ones(1, 2, 3), size=2, scale_factor=2),
        lambda lib: lib.nn.functional.interpolate(lib.ones(1, 2, 3), size=(2, 2)),
        lambda lib: lib.nn.functional.interpolate(lib.ones(1, 2, 3), scale_factor=2, align_corners=True),
    ):
        same_error(bt, fn)
    assert repr(bt.nn.functional.pad(bt.tensor([[1, 2]]), (1, 1), value=2.7)) == "tensor([[2, 1, 2, 2]])"
    with pytest.raises(NotImplementedError, match="in-browser"):
        bt.nn.functional.interpolate(bt.ones(1, 2, 3), scale_factor=2, mode="linear")
    with pytest.raises(NotImplementedError, match="in-browser"):
        bt.nn.functional.pad(bt.ones(1, 2, 3), (1, 1), mode="circular")


# ---- ParameterList / ParameterDict ------------------------------------------------------------------------------
def test_parameter_containers(bt):
    outs = []
    for lib in (torch, bt):
        nn = lib.nn
        pl = nn.ParameterList([nn.Parameter(lib.ones(2, 3)), lib.zeros(3), "x"])
        pl.append(lib.ones(1))
        pl[1] = lib.full((2,), 3.0)
        pd = nn.ParameterDict({"b": nn.Parameter(lib.ones(2)), "a": lib.zeros(3, dtype=lib.float64)})
        pd["c"] = lib.ones(1, 1)
        pd.update([("d", lib.ones(2))])
        popped = pd.pop("b")
        holder = nn.Module()
        holder.pl, holder.pd = pl, pd
        outs.append(
            (
                repr(pl),
                repr(pd),
                repr(holder),
                len(pl),
                list(pd),
                list(pd.keys()),
                repr(popped),
                [n for n, _ in holder.named_parameters()],
                repr(pl[1:]),
                "c" in pd,
                repr(pd.get("zz", 5)),
                list(holder.state_dict().keys()),
                error_of(lambda: pl(1)),
                error_of(lambda: pd[1]),
                error_of(lambda: pl[7]),
            )
        )
    assert outs[0] == outs[1]


# ---- nn.init ----------------------------------------------------------------------------------------------------
INITS = [
    ("uniform_", (-2, 3)),
    ("normal_", (1, 3)),
    ("constant_", (2.5,)),
    ("ones_", ()),
    ("zeros_", ()),
    ("xavier_uniform_", ()),
    ("xavier_normal_", (2.0,)),
    ("kaiming_uniform_", ()),
    ("kaiming_uniform_", (0.2, "fan_out", "leaky_relu")),
    ("kaiming_normal_", (0.1, "fan_out", "relu")),
    ("kaiming_normal_", (0, "fan_in", "tanh")),
    ("trunc_normal_", ()),
    ("trunc_normal_", (0.0, 0.02)),
    ("trunc_normal_", (0.0, 1.0, -0.1, 0.1)),
    ("trunc_normal_", (1.0, 2.0, 0.5, 0.7)),
    ("trunc_normal_", (0.0, 1.0, 1.0, 3.0)),
]


@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    init=st.sampled_from(INITS),
    shape=st.sampled_from([(5, 7), (3, 4, 2, 2), (40, 3), (17, 1), (2, 9, 5)]),
)
def test_init_draws(bt, seed, init, shape):
    """Each init draws the same numbers in the same order as PyTorch's (the generator's state after it too)."""
    name, args = init
    outs = []
    for lib in (torch, bt):
        lib.manual_seed(seed)
        t = lib.zeros(*shape)
        assert getattr(lib.nn.init, name)(t, *args) is t
        outs.append((t, lib.rand(3)))
    assert_same(outs[1][0], outs[0][0])
    assert_same(outs[1][1], outs[0][1])


def test_init_structured_and_errors(bt):
    for shape, fn in [
        ((3, 5), lambda lib, t: lib.nn.init.eye_(t)),
        ((4, 3, 3, 3), lambda lib, t: lib.nn.init.dirac_(t, 2)),
        ((2, 3, 5), lambda lib, t: lib.nn.init.dirac_(t)),
        ((2, 2, 3, 3, 3), lambda lib, t: lib.nn.init.dirac_(t)),
    ]:
        real, ours = torch.ones(*shape), bt.ones(*shape)
        fn(torch, real)
        fn(bt, ours)
        assert_same(ours, real)
    for fn in (
        lambda lib: lib.nn.init.eye_(lib.ones(3)),
        lambda lib: lib.nn.init.dirac_(lib.ones(3, 3)),
        lambda lib: lib.nn.init.dirac_(lib.ones(3, 2, 2), 2),
        lambda lib: lib.nn.init.xavier_uniform_(lib.ones(3)),
        lambda lib: lib.nn.init.kaiming_normal_(lib.ones(3, 3), mode="fan"),
        lambda lib: lib.nn.init.calculate_gain("foo"),
        lambda lib: lib.nn.init.calculate_gain("leaky_relu", True),
    ):
        same_error(bt, fn)
    for args in [
        ("linear",),
        ("conv_transpose2d",),
        ("sigmoid",),
        ("tanh",),
        ("relu",),
        ("leaky_relu",),
        ("leaky_relu", 0.2),
        ("leaky_relu", 3),
        ("selu",),
    ]:
        assert bt.nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)
    t = bt.ones(5, 0)
    with pytest.warns(UserWarning, match="zero-element"):
        bt.nn.init.kaiming_uniform_(t)
    with pytest.warns(FutureWarning, match="nn.init.uniform_"):
        bt.nn.init.uniform(bt.ones(2))
    with pytest.raises(NotImplementedError, match="orthogonal_"):
        bt.nn.init.orthogonal_(bt.ones(3, 3))
    assert bt.nn.init._calculate_fan_in_and_fan_out(bt.ones(4, 3, 2, 5)) == (30, 40)


# ---- nn.utils ---------------------------------------------------------------------------------------------------
@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    norm_type=st.sampled_from([2, 2.0, float("inf"), 1, 3.5, 0.5]),
    max_norm=st.sampled_from([0.1, 1.0, 5.0, 1e4]),
    scale=st.sampled_from([1e-3, 1.0, 30.0]),
)
def test_clip_grad_norm(bt, seed, norm_type, max_norm, scale):
    torch.manual_seed(seed)
    grads = [torch.randn(19, 7) * scale, torch.randn(19), torch.randn(3, 19) * scale * 5, torch.randn(3), None]
    real = [torch.zeros(3, requires_grad=True) if g is None else torch.zeros_like(g, requires_grad=True) for g in grads]
    ours = [to_bt(bt, p) for p in real]
    for p, q, g in zip(real, ours, grads):
        if g is not None:
            p.grad, q.grad = g.clone(), to_bt(bt, g)
    total_real = torch.nn.utils.clip_grad_norm_(real, max_norm, norm_type)
    total_ours = bt.nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    assert_same(total_ours, total_real)
    for p, q in zip(real, ours):
        if p.grad is not None:
            assert_same(q.grad, p.grad)


def test_clip_grad_value_and_vectors(bt):
    outs = []
    for lib in (torch, bt):
        lib.manual_seed(0)
        w, b = lib.randn(4, 3).requires_grad_(), lib.randn(3).requires_grad_()
        w.grad, b.grad = lib.randn(4, 3), lib.randn(3) * 0.1
        lib.nn.utils.clip_grad_value_([w, b], 0.8)
        one = lib.randn(2).requires_grad_()
        one.grad = lib.tensor([3.0, -0.1])
        lib.nn.utils.clip_grad_value_(one, 1)
        v = lib.nn.utils.parameters_to_vector([w, b])
        lib.nn.utils.vector_to_parameters(v * 2, [w, b])
        empty = lib.nn.utils.clip_grad_norm_([], 1.0)
        outs.append(
            (
                w.grad,
                b.grad,
                one.grad,
                v,
                w,
                b,
                empty,
                v.grad_fn.name(),
                error_of(lambda: lib.nn.utils.vector_to_parameters([1.0], [w])),
                error_of(
                    lambda: (
                        lib.nn.utils.clip_grad_norm_([one], 1.0, error_if_nonfinite=True)
                        if one.grad.fill_(float("inf")) is not None
                        else None
                    )
                ),
            )
        )
    for o, r in zip(outs[1][:7], outs[0][:7]):
        assert_same(o, r)
    assert outs[1][7:] == outs[0][7:]
    with pytest.raises(NotImplementedError, match="torch.nn.utils.parametrize.register_parametrization"):
        getattr(bt.nn.utils.parametrize, "register_parametrization")  # noqa: B009


# ---- conv_transpose2d -------------------------------------------------------------------------------------------
@settings(PROFILE)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 2),
    ci=st.integers(1, 3),
    co=st.integers(1, 3),
    hw=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    k=st.sampled_from([1, 2, 3, (2, 3)]),
    stride=st.sampled_from([1, 2, (1, 2)]),
    padding=st.sampled_from([0, 1]),
    output_padding=st.sampled_from([0, 1]),
    bias=st.booleans(),
    batched=st.booleans(),
)
def test_conv_transpose2d(bt, seed, n, ci, co, hw, k, stride, padding, output_padding, bias, batched):
    """The gradient of the runtime's conv2d (double sums rounded once) against ATen's mkldnn deconvolution (float32
    partial sums): close, not bit for bit (rtol 1e-5, atol 1e-5 on values of order 1-10)."""
    torch.manual_seed(seed)
    kernel = (k, k) if isinstance(k, int) else k
    x = torch.randn(n, ci, *hw) if batched else torch.randn(ci, *hw)
    tensors = [x, torch.randn(ci, co, *kernel), torch.randn(co) if bias else None]
    real_in = [t.clone().requires_grad_() if t is not None else None for t in tensors]
    ours_in = [to_bt(bt, t) if t is not None else None for t in real_in]
    args = (stride, padding, output_padding)
    if error_of(lambda: F.conv_transpose2d(*real_in, *args)):
        same_error(bt, lambda lib: lib.nn.functional.conv_transpose2d(*(real_in if lib is torch else ours_in), *args))
        return
    real = F.conv_transpose2d(*real_in, *args)
    ours = bt.nn.functional.conv_transpose2d(*ours_in, *args)
    assert ours.grad_fn.name() == real.grad_fn.name()
    assert_same(ours, real, rtol=1e-5, atol=1e-5)
    if not real.numel():
        return
    g = torch.randn_like(real)
    real.backward(g)
    ours.backward(to_bt(bt, g))
    for r, o in zip(real_in, ours_in):
        if r is not None:
            assert_same(o.grad, r.grad, rtol=1e-5, atol=2e-5)


def test_conv_transpose2d_module(bt):
    outs = []
    for lib in (torch, bt):
        lib.manual_seed(0)
        m = lib.nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1)
        plain = lib.nn.ConvTranspose2d(2, 5, (2, 3), bias=False)
        x = lib.randn(1, 3, 4, 4)
        outs.append(
            (
                repr(m),
                repr(plain),
                repr(m.weight),
                repr(m.bias),
                tuple(m(x, output_size=(8, 8)).shape),
                tuple(m(x, output_size=[1, 4, 7, 7]).shape),
                error_of(lambda: m(x, output_size=(9, 9))),
                error_of(lambda: lib.nn.ConvTranspose2d(2, 2, 2, padding_mode="reflect")),
            )
        )
    assert outs[0] == outs[1]


def test_parameter(bt):
    for fn in (
        lambda lib: lib.nn.Parameter(lib.tensor([1, 2])),
        lambda lib: repr(lib.nn.Parameter(lib.tensor([1, 2]), requires_grad=False)),
        lambda lib: repr(lib.nn.Parameter()),
        lambda lib: type(lib.nn.Parameter(lib.ones(2)) * 2).__name__,
    ):
        assert error_of(lambda: fn(bt)) == error_of(lambda: fn(torch))
        if error_of(lambda: fn(torch)) is None:
            assert fn(bt) == fn(torch)


def test_padding_modules(bt):
    outs = []
    for lib in (torch, bt):
        nn = lib.nn
        lib.manual_seed(0)
        layers = [
            nn.ZeroPad1d(2),
            nn.ZeroPad2d((1, 0, 2, 1)),
            nn.ZeroPad3d(1),
            nn.ConstantPad1d((1, 2), 3.5),
            nn.ConstantPad2d(1, -1.0),
            nn.ConstantPad3d((1, 0, 0, 1, 1, 0), 2.0),
            nn.ReflectionPad1d(2),
            nn.ReflectionPad2d((1, 2, 0, 1)),
            nn.ReflectionPad3d(1),
            nn.ReplicationPad1d((3, 1)),
            nn.ReplicationPad2d(2),
            nn.ReplicationPad3d((1, 2, 0, 1, 2, 0)),
        ]
        x = lib.randn(1, 2, 3, 4, 5)
        outs.append(
            [repr(m) for m in layers]
            + [m(x if "3d" in type(m).__name__ else x[0] if "2d" in type(m).__name__ else x[0, 0]) for m in layers]
        )
    assert outs[0][:12] == outs[1][:12]
    for real, ours in zip(outs[0][12:], outs[1][12:]):
        assert_same(ours, real)
