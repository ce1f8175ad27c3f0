"""torch.nn layers of the runtime against real PyTorch: batch norm bit for bit (values, running statistics,
gradients), layer and group norm, feature dropout's random draws, containers, Module's registration, hooks,
state_dict and load_state_dict, reprs."""

import importlib

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import assert_same, to_bt

settings.register_profile(
    "nn_layers",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(params=[1, 2])
def threads(bt, request):
    """The runtime's kernels and real torch on the same number of threads (the split of rows between threads
    changes the float32 partial sums of batch norm over (N, C) inputs)."""
    layers = importlib.import_module(bt.__name__ + "._ops.nn_layers")
    saved = torch.get_num_threads(), layers.THREADS
    torch.set_num_threads(request.param)
    layers.THREADS = request.param
    yield request.param
    torch.set_num_threads(saved[0])
    layers.THREADS = saved[1]


def both(bt, x):
    return x.detach().clone().requires_grad_(x.requires_grad), to_bt(bt, x)


BN_SHAPES = [(2, 3), (5, 3), (7, 2), (9, 4), (3, 4, 3, 5), (2, 3, 17), (2, 2, 40), (4, 2, 9), (2, 3, 2, 2)]


@settings(settings.get_profile("nn_layers"))
@given(
    shape=st.sampled_from(BN_SHAPES),
    training=st.booleans(),
    affine=st.booleans(),
    seed=st.integers(0, 2**16),
    momentum=st.sampled_from([0.1, 1 / 3, 0.7]),
)
def test_batch_norm_bit_exact(bt, threads, shape, training, affine, seed, momentum):
    torch.manual_seed(seed)
    c = shape[1]
    x, g = torch.randn(*shape) * 3 + 1, torch.randn(*shape)
    w, b = (torch.randn(c), torch.randn(c)) if affine else (None, None)
    rm, rv = torch.randn(c), torch.rand(c) + 0.5
    results = []
    for lib in (torch, bt):
        conv = (lambda t: t.clone()) if lib is torch else (lambda t: to_bt(bt, t))
        xx = conv(x).requires_grad_()
        ww, bb = (conv(w).requires_grad_(), conv(b).requires_grad_()) if affine else (None, None)
        rmm, rvv = conv(rm), conv(rv)
        out = lib.nn.functional.batch_norm(xx, rmm, rvv, ww, bb, training=training, momentum=momentum)
        assert out.grad_fn.name() == "NativeBatchNormBackward0"
        out.backward(conv(g))
        results.append([out, rmm, rvv, xx.grad] + ([ww.grad, bb.grad] if affine else []))
    for real, ours in zip(*results):
        assert_same(ours, real)


def run_module(lib, make, steps, x_seed=0, eval_after=True):
    lib.manual_seed(0)
    module = make(lib)
    outs = []
    for step in range(steps):
        lib.manual_seed(x_seed + step)
        x = (lib.randn(4, 3, 2, 2) * 2 + 1).requires_grad_()
        out = module(x)
        (out * lib.linspace(-1, 2, 4).view(4, 1, 1, 1)).sum().backward()  # a strided upstream gradient
        outs += [out, x.grad]
    if eval_after:
        module.eval()
        lib.manual_seed(99)
        outs.append(module(lib.randn(4, 3, 2, 2)))
    return module, outs


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.nn.BatchNorm2d(3),
        lambda lib: lib.nn.BatchNorm2d(3, momentum=None),
        lambda lib: lib.nn.BatchNorm2d(3, affine=False, eps=1e-3),
        lambda lib: lib.nn.BatchNorm2d(3, track_running_stats=False),
    ],
)
def test_batchnorm_module_running_stats_and_state(bt, threads, make):
    real, real_outs = run_module(torch, make, 3)
    ours, our_outs = run_module(bt, make, 3)
    assert repr(ours) == repr(real)
    for o, r in zip(our_outs, real_outs):
        assert_same(o, r)
    real_state, our_state = real.state_dict(), ours.state_dict()
    assert list(our_state) == list(real_state)
    for key in real_state:
        assert_same(our_state[key], real_state[key])
    for (name, p), (real_name, q) in zip(ours.named_parameters(), real.named_parameters()):
        assert name == real_name
        assert_same(p.grad, q.grad)


def test_batchnorm1d_and_errors(bt):
    for lib in (torch, bt):
        lib.manual_seed(0)
        bn = lib.nn.BatchNorm1d(4)
        with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
            bn(lib.randn(2, 4, 1, 1))
        with pytest.raises(ValueError) as info:
            bn(lib.randn(1, 4))
        assert (
            str(info.value) == "Expected more than 1 value per channel when training, got input size torch.Size([1, 4])"
        )
        with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
            lib.nn.BatchNorm2d(4)(lib.randn(3, 4))
    torch.manual_seed(1)
    x = torch.randn(6, 4, 5)
    assert_same(bt.nn.BatchNorm1d(4)(to_bt(bt, x)), torch.nn.BatchNorm1d(4)(x))


@pytest.mark.parametrize("kind", ["layer", "group"])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_and_group_norm_close(bt, kind, affine):
    """Within 2 float32 ulps: ATen takes the mean and variance by Welford over float32 lanes, we in double."""
    torch.manual_seed(5)
    x, g = torch.randn(3, 4, 5) * 2 + 0.5, torch.randn(3, 4, 5)
    results = []
    for lib in (torch, bt):
        lib.manual_seed(0)
        if kind == "layer":
            module = lib.nn.LayerNorm((4, 5), elementwise_affine=affine)
        else:
            module = lib.nn.GroupNorm(2, 4, affine=affine)
        if affine:
            with lib.no_grad():
                module.weight.copy_(lib.linspace(0.5, 1.5, module.weight.numel()).view(module.weight.shape))
                module.bias.copy_(lib.linspace(-1, 1, module.bias.numel()).view(module.bias.shape))
        xx = x.clone().requires_grad_() if lib is torch else to_bt(bt, x, True)
        out = module(xx)
        out.backward(g if lib is torch else to_bt(bt, g))
        results.append((repr(module), out, xx.grad, [p.grad for p in module.parameters()], out.grad_fn.name()))
    (real_repr, real, real_gx, real_gp, real_node), (our_repr, ours, our_gx, our_gp, our_node) = results
    assert our_repr == real_repr and our_node == real_node
    assert_same(ours, real, rtol=2.4e-7, atol=1e-6)
    assert_same(our_gx, real_gx, rtol=1e-5, atol=1e-6)
    for o, r in zip(our_gp, real_gp):
        assert_same(o, r, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name, shape", [("dropout2d", (3, 4, 2, 2)), ("dropout1d", (3, 5, 4)), ("dropout1d", (5, 4))])
def test_feature_dropout_draws_as_pytorch(bt, name, shape):
    results = []
    for lib in (torch, bt):
        lib.manual_seed(3)
        x = lib.randn(*shape).requires_grad_()
        out = getattr(lib.nn.functional, name)(x, 0.4)
        out.sum().backward()
        results.append((out, x.grad, out.grad_fn.name(), lib.rand(2)))
    (real, real_grad, real_node, real_next), (ours, our_grad, our_node, our_next) = results
    assert our_node == real_node
    assert_same(ours, real)
    assert_same(our_grad, real_grad)
    assert_same(our_next, real_next)  # the generator advanced as far


def test_containers_and_reprs(bt):
    def make(lib):
        nn = lib.nn
        lib.manual_seed(0)
        net = nn.Module()
        net.blocks = nn.ModuleList([nn.Linear(2, 3), nn.ReLU()])
        net.blocks.extend([nn.Dropout1d(0.2)])
        net.blocks.insert(1, nn.Identity())
        net.heads = nn.ModuleDict({"a": nn.Unflatten(1, (1, 3)), "b": nn.Dropout2d()})
        net.heads["c"] = nn.Flatten()
        net.norm = nn.Sequential(nn.BatchNorm1d(3, momentum=None), nn.LayerNorm([3], bias=False))
        return net

    real, ours = make(torch), make(bt)
    assert repr(ours) == repr(real)
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in real.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in real.named_children()]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in real.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in real.named_buffers()]
    assert list(ours.heads.keys()) == list(real.heads.keys())
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in real.parameters())
    assert type(ours.get_submodule("norm.0")).__name__ == "BatchNorm1d"
    assert ours.get_parameter("blocks.0.bias").shape == real.get_parameter("blocks.0.bias").shape
    for _lib, net in ((torch, real), (bt, ours)):
        with pytest.raises(AttributeError, match="Sequential has no attribute `9`"):
            net.get_submodule("norm.9")


def test_load_state_dict_messages(bt):
    messages = []
    for lib in (torch, bt):
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.BatchNorm1d(2))
        state = net.state_dict()
        found = [repr(net.load_state_dict(state))]
        old = dict(state)  # a plain dict has no version metadata: a missing num_batches_tracked is not reported
        del old["1.num_batches_tracked"]
        found.append(repr(net.load_state_dict(old)))
        del state["1.num_batches_tracked"]
        found.append(repr(net.load_state_dict(state, strict=False)))
        bad = dict(state)
        bad["extra"] = lib.zeros(1)
        del bad["0.bias"]
        bad["1.weight"] = lib.zeros(3)
        with pytest.raises(RuntimeError) as info:
            net.load_state_dict(bad)
        found.append(str(info.value))
        del bad["1.weight"]
        found.append(repr(net.load_state_dict(bad, strict=False)))
        messages.append(found)
    assert messages[1] == messages[0]


def test_buffers_hooks_and_dtype(bt):
    for lib in (torch, bt):
        m = lib.nn.Linear(2, 2)
        m.register_buffer("steps", lib.zeros(1))
        m.register_buffer("scratch", lib.ones(2), persistent=False)
        assert list(m.state_dict()) == ["weight", "bias", "steps"]
        assert [n for n, _ in m.named_buffers()] == ["steps", "scratch"]
        with pytest.raises(
            TypeError,
            match=r"cannot assign 'int' as buffer 'steps' "
            r"\(torch.nn.Buffer, torch.Tensor or None expected\)",
        ):
            m.steps = 3
        with pytest.raises(KeyError, match="attribute 'weight' already exists"):
            m.register_buffer("weight", lib.zeros(1))
        seen = []
        handle = m.register_forward_hook(lambda mod, args, out, seen=seen: seen.append(tuple(out.shape)))
        pre = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        m(lib.ones(3, 2))
        handle.remove()
        pre.remove()
        m(lib.ones(1, 2))
        assert seen == [(3, 2)]
        m.double()
        assert m.weight.dtype == lib.float64 and m.steps.dtype == lib.float64
        assert isinstance(m.weight, lib.nn.Parameter)
        m.to(lib.float32)
        assert m.bias.dtype == lib.float32
