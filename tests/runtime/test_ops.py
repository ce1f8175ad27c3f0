"""Property tests: each op of the runtime against real PyTorch on random inputs: values, dtypes, shapes,
gradients and errors."""

import math

import pytest
import torch
import torch.nn.functional as F
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
shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)
nonempty_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@st.composite
def tensors(draw, shape=None, of_shapes=shapes, elements=FLOAT32):
    shape = draw(of_shapes) if shape is None else shape
    values = draw(st.lists(elements, min_size=math.prod(shape), max_size=math.prod(shape)))
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


@st.composite
def broadcastable_pair(draw):
    shape = draw(shapes)
    other = tuple(1 if draw(st.booleans()) else s for s in shape[draw(st.integers(0, len(shape))) :])
    if draw(st.booleans()):
        shape, other = other, shape
    return draw(tensors(shape)), draw(tensors(other))


def run_both(bt, fn, *inputs, grad_seed=0):
    """fn(lib, *inputs) in PyTorch and the runtime, backpropagating the same random gradient through each;
    returns ((real output, real input grads), (our output, our input grads))."""
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


def assert_grads(ours, real, rtol=1e-6, atol=1e-6):
    for o, r in zip(ours, real):
        assert (o is None) == (r is None)
        if r is not None:
            assert_same(o, r, rtol, atol)


BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "add_alpha": lambda lib, a, b: lib.add(a, b, alpha=0.3),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
}


@pytest.mark.parametrize("name", BINARY)
@given(pair=broadcastable_pair())
def test_binary_ops_broadcast_with_exact_values_and_gradients(bt, name, pair):
    a, b = pair
    if name == "div":
        assume(bool((b.abs() > 0.01).all()))
    if name == "maximum":
        assume(not bool((a.unsqueeze(0) == b.unsqueeze(0)).any()) if a.numel() * b.numel() else True)
    (real, real_grads), (ours, our_grads) = run_both(bt, BINARY[name], a, b)
    # + - * / round once to float32 in both; alpha's multiply-add may round twice in ATen's loops for tiny tensors
    assert_same(ours, real, rtol=1.2e-7 if name == "add_alpha" else 0)
    assert_grads(our_grads, real_grads)


SCALAR = {
    "radd": lambda lib, a: 2.5 + a,
    "rsub": lambda lib, a: 1 - a,
    "rmul": lambda lib, a: 0.1 * a,
    "rdiv": lambda lib, a: 2 / a,
    "div": lambda lib, a: a / 3,
    "pow2": lambda lib, a: a**2,
    "pow3": lambda lib, a: a**3,
    "neg": lambda lib, a: -a,
}


@pytest.mark.parametrize("name", SCALAR)
@given(x=tensors())
def test_ops_with_python_numbers(bt, name, x):
    if name == "rdiv":
        assume(bool((x.abs() > 0.01).all()))
    (real, real_grads), (ours, our_grads) = run_both(bt, SCALAR[name], x)
    assert_same(ours, real)
    assert_grads(our_grads, real_grads)


UNARY = {
    "exp": lambda lib, a: a.exp(),
    "log": lambda lib, a: (a.abs() + 0.5).log(),
    "sqrt": lambda lib, a: (a.abs() + 0.1).sqrt(),
    "tanh": lambda lib, a: a.tanh(),
    "sigmoid": lambda lib, a: a.sigmoid(),
    "relu": lambda lib, a: lib.relu(a),
    "abs": lambda lib, a: a.abs(),
    "softmax": lambda lib, a: lib.softmax(a, -1),
    "log_softmax": lambda lib, a: lib.log_softmax(a, 0),
    "clamp": lambda lib, a: a.clamp(-1, 2),
}


@pytest.mark.parametrize("name", UNARY)
@given(x=tensors(of_shapes=nonempty_shapes))
def test_unary_ops_within_float32_rounding(bt, name, x):
    if name in ("relu", "abs", "clamp"):
        assume(bool((x != 0).all()) and bool(((x + 1).abs() > 1e-6).all() & ((x - 2).abs() > 1e-6).all()))
    (real, real_grads), (ours, our_grads) = run_both(bt, UNARY[name], x)
    # exp/log/tanh are within 1 ulp of PyTorch's SIMD versions, not always bit-equal
    assert_same(ours, real, rtol=1e-6, atol=1e-6)
    assert_grads(our_grads, real_grads, rtol=1e-5, atol=1e-6)


@given(x=tensors(), data=st.data())
def test_reductions_over_dims(bt, x, data):
    op = data.draw(st.sampled_from(["sum", "mean", "max", "min"]))
    keepdim = data.draw(st.booleans())
    dim = data.draw(st.one_of(st.none(), st.integers(-max(x.dim(), 1), max(x.dim(), 1) - 1)))
    assume(not (op in ("max", "min") and x.unique().numel() != x.numel()))  # ties pick an index we don't compare

    def reduce(lib, a):
        if dim is None:
            return getattr(a, op)()
        result = getattr(a, op)(dim, keepdim=keepdim)
        return result.values if op in ("max", "min") else result

    (real, real_grads), (ours, our_grads) = run_both(bt, reduce, x)
    assert_same(ours, real, rtol=1e-6, atol=1e-6)
    assert_grads(our_grads, real_grads)


@given(x=tensors(shape=(4, 5)))
def test_sum_follows_pytorch_summation_order(bt, x):
    """Float32 sums of one contiguous row add up in PyTorch's (vectorised, cascaded) order: bit-equal."""
    big = x.repeat(40, 3).flatten()  # 1200 values: several full SIMD vectors, a tail, cancellation
    assert_same(to_bt(bt, big).sum(), big.sum())
    assert_same(to_bt(bt, x).sum(1), x.sum(1))


@given(x=tensors(of_shapes=nonempty_shapes), data=st.data())
def test_argmax_and_max_indices(bt, x, data):
    assume(x.unique().numel() == x.numel())
    dim = data.draw(st.integers(-x.dim(), x.dim() - 1))
    ours = to_bt(bt, x)
    assert_same(ours.argmax(), x.argmax())
    assert_same(ours.argmax(dim, keepdim=True), x.argmax(dim, keepdim=True))
    assert_same(ours.max(dim).indices, x.max(dim).indices)


@given(x=tensors(shape=(2, 3, 4)), data=st.data())
def test_views_alias_storage_like_pytorch(bt, x, data):
    """A write through a view shows in the base and in other views, exactly as in PyTorch."""
    order = data.draw(st.permutations([0, 1, 2]))
    views = {
        "permute": lambda t: t.permute(*order),
        "transpose": lambda t: t.transpose(0, 2),
        "slice": lambda t: t[:, 1:, ::2],
        "select": lambda t: t[1],
        "view": lambda t: t.view(6, 4),
        "unsqueeze": lambda t: t.unsqueeze(1),
        "flatten": lambda t: t.flatten(1),
        "t": lambda t: t[0].t(),
        "data": lambda t: t.data,
        "ellipsis": lambda t: t[..., 2],
    }
    name = data.draw(st.sampled_from(sorted(views)))
    real, ours = x.clone(), to_bt(bt, x)
    real_view, our_view = views[name](real), views[name](ours)
    assert_same(our_view, real_view)
    real_view.mul_(2).add_(1)
    our_view.mul_(2).add_(1)
    assert_same(ours, real)
    assert our_view.is_contiguous() == real_view.is_contiguous()


@given(x=tensors(shape=(3, 4, 5)), data=st.data())
def test_basic_indexing_values_and_gradients(bt, x, data):
    index = data.draw(
        st.sampled_from(
            [
                (0,),
                (-1, 2),
                (slice(1, 3),),
                (slice(None), slice(0, 4, 2)),
                (Ellipsis, 1),
                (None, 1),
                (1, slice(None), slice(2, None)),
                (slice(None, None, 2), None, -2),
            ]
        )
    )
    (real, real_grads), (ours, our_grads) = run_both(bt, lambda lib, a: a[index] * 1, x)
    assert_same(ours, real)
    assert_grads(our_grads, real_grads)


@given(data=st.data())
def test_reshape_family(bt, data):
    x = data.draw(tensors(shape=(2, 3, 4)))
    op = data.draw(
        st.sampled_from(
            [
                lambda a: a.view(4, -1),
                lambda a: a.reshape(-1),
                lambda a: a.transpose(0, 1).reshape(6, 4),
                lambda a: a.flatten(),
                lambda a: a.unsqueeze(-1).squeeze(),
                lambda a: a[:, :1].squeeze(1),
                lambda a: a.permute(2, 0, 1).contiguous().view(-1),
                lambda a: a.expand(3, 2, 3, 4),
                lambda a: a.sum(0, keepdim=True).expand_as(a),
            ]
        )
    )
    (real, real_grads), (ours, our_grads) = run_both(bt, lambda lib, a: op(a), x)
    assert_same(ours, real)
    assert_grads(our_grads, real_grads)


@given(data=st.data())
def test_matmul_shapes_values_and_gradients(bt, data):
    m, k, n = data.draw(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)))
    left, right = data.draw(
        st.sampled_from([((m, k), (k, n)), ((k,), (k, n)), ((m, k), (k,)), ((k,), (k,)), ((2, m, k), (k, n))])
    )
    a, b = data.draw(tensors(shape=left)), data.draw(tensors(shape=right))
    (real, real_grads), (ours, our_grads) = run_both(bt, lambda lib, x, y: x @ y, a, b)
    assert_same(ours, real, rtol=1e-5, atol=1e-5)
    assert_grads(our_grads, real_grads, rtol=1e-5, atol=1e-5)


@given(data=st.data())
def test_linear_conv_and_pool_against_pytorch(bt, data):
    n, c, o = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    size, kernel = data.draw(st.integers(4, 8)), data.draw(st.integers(1, 3))
    stride, padding = data.draw(st.integers(1, 2)), data.draw(st.integers(0, 1))
    x = data.draw(tensors(shape=(n, c, size, size)))
    w = data.draw(tensors(shape=(o, c, kernel, kernel)))
    b = data.draw(tensors(shape=(o,)))
    pool = data.draw(st.integers(1, 2))

    def net(lib, x, w, b):
        y = lib.nn.functional.conv2d(x, w, b, stride=stride, padding=padding)
        return lib.nn.functional.max_pool2d(lib.relu(y), pool)

    assume(size + 2 * padding >= kernel and (size + 2 * padding - kernel) // stride + 1 >= pool)
    (real, real_grads), (ours, our_grads) = run_both(bt, net, x, w, b)
    assert_same(ours, real, rtol=1e-5, atol=1e-5)
    assert_grads(our_grads, real_grads, rtol=1e-4, atol=1e-5)


@given(data=st.data())
def test_losses(bt, data):
    batch, classes = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 5))
    x = data.draw(tensors(shape=(batch, classes)))
    y = data.draw(tensors(shape=(batch, classes)))
    labels = data.draw(st.lists(st.integers(0, classes - 1), min_size=batch, max_size=batch))
    reduction = data.draw(st.sampled_from(["mean", "sum", "none"]))

    def losses(lib, x, y):
        target = lib.tensor(labels)
        total = lib.nn.functional.mse_loss(x, y, reduction=reduction).sum()
        total = total + lib.nn.functional.cross_entropy(x, target, reduction=reduction).sum()
        return total + lib.nn.functional.nll_loss(lib.log_softmax(y, 1), target, reduction=reduction).sum()

    (real, real_grads), (ours, our_grads) = run_both(bt, losses, x, y)
    assert_same(ours, real, rtol=1e-5, atol=1e-5)
    assert_grads(our_grads, real_grads, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.tensor([1, 2]) + 1.5,
        lambda lib: lib.tensor([1, 2]) * 2,
        lambda lib: lib.tensor([1, 2]) / 2,
        lambda lib: lib.tensor([True, False]) + 1,
        lambda lib: lib.tensor([1, 2]) + lib.tensor(2.5),
        lambda lib: lib.tensor([1.5]) + lib.tensor(2.5, dtype=lib.float64),
        lambda lib: lib.tensor([1, 2]) > 1,
        lambda lib: lib.arange(5),
        lambda lib: lib.arange(0, 1, 0.25),
        lambda lib: lib.zeros(2, 3, dtype=lib.int64),
        lambda lib: lib.full((2,), 7),
        lambda lib: lib.tensor([[1, 2], [3, 4]]).sum(0),
        lambda lib: lib.tensor([1.0, 2.0]).to(lib.int64),
        lambda lib: lib.ones(2).long() // 2,
        lambda lib: lib.tensor([3, -3]) % 2,
        lambda lib: lib.tensor([1.0, 4.0]).double().sqrt(),
    ],
)
def test_dtype_promotion_and_factories(bt, make):
    assert_same(make(bt), make(torch))


@pytest.mark.parametrize(
    "action",
    [
        lambda lib: lib.ones(2, 3) + lib.ones(4),
        lambda lib: lib.ones(2, 3).t().view(6),
        lambda lib: lib.ones(2, 3).view(4, 2),
        lambda lib: lib.ones(2, 3, requires_grad=True).sum(0).backward(),
        lambda lib: lib.ones(2, requires_grad=True).add_(1),
        lambda lib: lib.ones(2, 3) @ lib.ones(2, 3),
        lambda lib: lib.ones(2).backward(),
        lambda lib: lib.ones(2, 3)[2],
        lambda lib: lib.ones(2, 3).sum(2),
        lambda lib: lib.tensor([1, 2]).requires_grad_(),
        lambda lib: lib.ones(2, 3).item(),
        lambda lib: bool(lib.ones(2)),
    ],
)
def test_errors_match_pytorch(bt, action):
    with pytest.raises(Exception) as real:
        action(torch)
    with pytest.raises(type(real.value)):
        action(bt)


def test_second_backward_needs_retain_graph(bt):
    for lib in (torch, bt):
        x = lib.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        assert x.grad.tolist() == [4.0, 4.0, 4.0]
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.backward()


def test_modifying_a_saved_tensor_is_reported(bt):
    for lib in (torch, bt):
        x = lib.ones(3, requires_grad=True)
        h = x * 2
        y = h * h
        h.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_in_place_on_non_leaf_moves_its_grad_fn(bt):
    results = []
    for lib in (torch, bt):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 3
        y.add_(x)
        y.mul_(2)
        y.relu_()
        y.sum().backward()
        results.append((y.grad_fn.name(), x.grad.tolist(), y.tolist()))
        z = (x * 3).relu_()
        z.mul_(2)  # relu_ saved its output, which this overwrites
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()
    assert results[0] == results[1]


def test_gradients_accumulate_and_hooks_see_them(bt):
    results = []
    for lib in (torch, bt):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * x
        h.retain_grad()
        seen = []
        h.register_hook(lambda g: seen.append(g.tolist()))
        (h * 3).sum().backward()
        (x * 5).sum().backward()
        results.append((x.grad.tolist(), h.grad.tolist(), seen))
    assert results[0] == results[1]


def test_no_grad_and_detach(bt):
    x = bt.ones(2, requires_grad=True)
    with bt.no_grad():
        y = x * 2
    assert y.grad_fn is None and not y.requires_grad
    assert (x * 2).detach().requires_grad is False
    assert bt.is_grad_enabled()

    @bt.no_grad()
    def double(t):
        return t * 2

    assert double(x).grad_fn is None
    bt.set_grad_enabled(False)
    assert (x * 2).grad_fn is None
    bt.set_grad_enabled(True)
    assert (x * 2).grad_fn is not None


def test_dropout_mask_matches_pytorch(bt):
    for p in (0.2, 0.5):
        torch.manual_seed(3)
        bt.manual_seed(3)
        real = F.dropout(torch.ones(4, 25), p)
        ours = bt.nn.functional.dropout(bt.ones(4, 25), p)
        assert_same(ours, real)


@pytest.mark.parametrize("n", [*range(1, 40), 64, 100])
def test_add_with_alpha_and_one_broadcast_value_is_exact(bt, n):
    """ATen rounds alpha * other on its own in part of a row's tail when other is one value (a number, a 0-dim or
    a 1-element tensor): the runtime reproduces where, bit for bit."""
    a = torch.linspace(-3, 3, n)
    for lib in (torch, bt):
        x = a if lib is torch else to_bt(bt, a)
        results = [lib.add(x, other, alpha=0.3) for other in (lib.tensor(3.5), lib.full((1,), 1.7), 2.3)]
        results += [lib.add(x.view(1, n).expand(3, n), lib.tensor(3.5), alpha=0.3), lib.sub(x, 0.7, alpha=1.3)]
        if lib is torch:
            expected = results
    for ours, real in zip(results, expected):
        assert_same(ours, real)
