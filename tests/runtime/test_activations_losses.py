"""Activations, softmax and losses of the runtime against real PyTorch: values, gradients and node names.

Softmax, log_softmax and the losses reproduce ATen's float32 steps bit for bit (one thread: the column kernels of
softmax split columns between threads). Activations built on exp/erf/tanh/log1p are within a few ULP (see
_ops/activations.py)."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from runtime_helpers import assert_same, to_bt
from test_ops import tensors


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def both(bt, fn, *inputs, grad=True):
    """fn(F, *inputs) in PyTorch and the runtime, the first input requiring grad; returns both (out, grad)."""
    results = []
    for lib in (torch, bt):
        args = [
            (
                x.detach().clone().requires_grad_(i == 0 and grad)
                if lib is torch
                else to_bt(bt, x, requires_grad=i == 0 and grad)
            )
            for i, x in enumerate(inputs)
        ]
        out = fn(F if lib is torch else bt.nn.functional, *args)
        torch.manual_seed(0)
        upstream = torch.randn(tuple(out.shape))
        if grad:
            out.backward(upstream if lib is torch else to_bt(bt, upstream))
        results.append((out, args[0].grad if grad else None))
    (real, real_grad), (ours, our_grad) = results
    if grad:
        assert ours.grad_fn.name() == real.grad_fn.name()
    return real, real_grad, ours, our_grad


SHAPES = [(5,), (8,), (13,), (3, 7), (4, 16), (2, 33), (6, 3, 5), (2, 9, 17), (64, 10), (2, 3, 4, 5), (3, 40)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_bit_exact_forward_and_backward_on_every_dim(bt, shape, name):
    torch.manual_seed(len(shape) * 100 + shape[-1])
    for dim in range(len(shape)):
        x = torch.randn(shape) * 3
        real, real_grad, ours, our_grad = both(bt, lambda F, a: getattr(F, name)(a, dim), x)
        assert_same(ours, real)
        assert_same(our_grad, real_grad)


@given(x=tensors(of_shapes=st.lists(st.integers(1, 20), min_size=1, max_size=3).map(tuple)), data=st.data())
def test_cross_entropy_gradient_bit_exact(bt, x, data):
    x = x.reshape(x.shape[0], -1)
    target = torch.tensor(data.draw(st.lists(st.integers(0, x.shape[1] - 1), min_size=x.shape[0], max_size=x.shape[0])))
    real, real_grad, ours, our_grad = both(bt, lambda F, a, t: F.cross_entropy(a, t), x, target)
    assert_same(ours, real)
    assert_same(our_grad, real_grad)


CLASSES = torch.tensor([0, 4, 2, 2, 1, 3])
LOSSES = {
    "l1": (lambda F, a, b: F.l1_loss(a, b), "target"),
    "l1_none": (lambda F, a, b: F.l1_loss(a, b, reduction="none"), "target"),
    "smooth_l1": (lambda F, a, b: F.smooth_l1_loss(a, b, beta=0.5), "target"),
    "smooth_l1_sum": (lambda F, a, b: F.smooth_l1_loss(a, b, reduction="sum"), "target"),
    "huber": (lambda F, a, b: F.huber_loss(a, b, delta=2.0), "target"),
    "mse": (lambda F, a, b: F.mse_loss(a, b), "target"),
    "bce": (lambda F, a, b: F.binary_cross_entropy(F.sigmoid(a), b), "probs"),
    "bce_weight": (lambda F, a, b, w: F.binary_cross_entropy(F.sigmoid(a), b, weight=w), "probs"),
    "kl_batchmean": (lambda F, a, b: F.kl_div(F.log_softmax(a, 1), b, reduction="batchmean"), "probs"),
    "kl_log_target": (lambda F, a, b: F.kl_div(a, b, reduction="sum", log_target=True), "target"),
    "ce": (lambda F, a, t: F.cross_entropy(a, t), "classes"),
    "ce_weight": (lambda F, a, t, w: F.cross_entropy(a, t, weight=w), "classes"),
    "ce_sum_ignore": (lambda F, a, t: F.cross_entropy(a, t, ignore_index=2, reduction="sum"), "classes"),
    "ce_none": (lambda F, a, t: F.cross_entropy(a, t, reduction="none"), "classes"),
    "ce_smoothing": (lambda F, a, t: F.cross_entropy(a, t, label_smoothing=0.1), "classes"),
    "ce_smoothing_weight": (lambda F, a, t, w: F.cross_entropy(a, t, weight=w, label_smoothing=0.2), "classes"),
    "nll_weight_ignore": (lambda F, a, t, w: F.nll_loss(F.log_softmax(a, 1), t, weight=w, ignore_index=4), "classes"),
}


@pytest.mark.parametrize("name", LOSSES)
def test_losses_bit_exact(bt, name):
    fn, kind = LOSSES[name]
    torch.manual_seed(1)
    x = torch.randn(6, 5) * 2
    other = {"target": torch.randn(6, 5), "probs": torch.rand(6, 5), "classes": CLASSES}[kind]
    extra = [torch.rand(5)] if fn.__code__.co_argcount == 4 else []
    real, real_grad, ours, our_grad = both(bt, fn, x, other, *extra)
    # bce: glibc's log1pf/logf are not always the correctly rounded floats used here; kl log_target: MKL's exp
    tolerance = {"rtol": 1e-6, "atol": 1e-7} if name.startswith("bce") or name == "kl_log_target" else {}
    assert_same(ours, real, **tolerance)
    assert_same(our_grad, real_grad, **tolerance)


@pytest.mark.parametrize("shape", [(2, 5, 7), (2, 5, 3, 4), (5,)])
def test_cross_entropy_k_dim_and_unbatched(bt, shape):
    torch.manual_seed(2)
    x = torch.randn(shape)
    target = torch.randint(0, 5, shape[:1] + shape[2:]) if len(shape) > 1 else torch.tensor(3)
    for reduction in ("mean", "none"):
        real, real_grad, ours, our_grad = both(
            bt, lambda F, a, t: F.cross_entropy(a, t, reduction=reduction), x, target
        )
        assert_same(ours, real)
        assert_same(our_grad, real_grad)


def test_cross_entropy_probability_targets(bt):
    torch.manual_seed(3)
    x, p = torch.randn(4, 6), torch.rand(4, 6).softmax(1)
    for smoothing in (0.0, 0.25):
        real, real_grad, ours, our_grad = both(
            bt, lambda F, a, t: F.cross_entropy(a, t, label_smoothing=smoothing), x, p, grad=False
        )
        assert_same(ours, real)


def test_bce_with_logits_within_an_ulp(bt):
    torch.manual_seed(4)
    x, p, w = torch.randn(6, 5) * 3, torch.rand(6, 5), torch.rand(5) * 2
    real, real_grad, ours, our_grad = both(
        bt, lambda F, a, t, pw: F.binary_cross_entropy_with_logits(a, t, pos_weight=pw), x, p, w
    )
    assert_same(ours, real, rtol=1e-6)  # SLEEF's exp/log1p in ATen's log_sigmoid: correctly rounded ones here
    assert_same(our_grad, real_grad, rtol=1e-6, atol=1e-9)


def test_loss_errors(bt):
    x = to_bt(bt, torch.randn(3, 5))
    with pytest.raises(IndexError, match="Target 5 is out of bounds."):
        bt.nn.functional.cross_entropy(x, bt.tensor([0, 5, 1]))
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[3, 1\]\)\) that is different"):
        bt.nn.functional.mse_loss(x, bt.zeros(3, 1))
    with pytest.raises(ValueError, match="sum_all is not a valid value for reduction"):
        bt.nn.functional.l1_loss(x, x, reduction="sum_all")


EXACT = ["relu6", "leaky_relu", "hardtanh", "hardsigmoid", "hardswish", "softsign", "softshrink", "hardshrink"]
CLOSE = ["elu", "selu", "celu", "silu", "mish", "softplus", "tanhshrink"]


@pytest.mark.parametrize("name", EXACT + CLOSE)
def test_activations(bt, name):
    torch.manual_seed(5)
    x = torch.randn(7, 9) * 4
    real, real_grad, ours, our_grad = both(bt, lambda F, a: getattr(F, name)(a), x)
    # exact where ATen's formula is arithmetic; a few ULP where its vector code uses SLEEF's exp/expm1/log1p/tanh
    tolerance = {} if name in EXACT else {"rtol": 4e-7, "atol": 1e-7}
    assert_same(ours, real, **tolerance)
    assert_same(our_grad, real_grad, **tolerance)


def test_gelu_within_its_polynomial_erf(bt):
    torch.manual_seed(6)
    x = torch.randn(7, 9) * 3
    for approximate in ("none", "tanh"):
        real, real_grad, ours, our_grad = both(bt, lambda F, a: F.gelu(a, approximate=approximate), x)
        # ATen's vector erf is a polynomial good to ~1e-7 absolute; math.erf is exact
        assert_same(ours, real, rtol=1e-6, atol=1e-6)
        assert_same(our_grad, real_grad, rtol=1e-5, atol=1e-6)


def test_prelu_threshold_softmin(bt):
    torch.manual_seed(7)
    x, w = torch.randn(4, 3, 5), torch.rand(3)
    real, real_grad, ours, our_grad = both(bt, lambda F, a, b: F.prelu(a, b), x, w)
    assert_same(ours, real)
    assert_same(our_grad, real_grad)
    for fn in (lambda F, a: F.threshold(a, 0.5, -1.0), lambda F, a: F.softmin(a, 1)):
        real, real_grad, ours, our_grad = both(bt, fn, x)
        assert_same(ours, real)
        assert_same(our_grad, real_grad)
