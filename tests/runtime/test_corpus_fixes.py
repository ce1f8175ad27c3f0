"""Differences from PyTorch that the learner corpus showed (tests/runtime/learner_programs/), each checked against
real torch: broadcasting errors, autograd's in-place message, node names, out= of the matrix products, addmm's
alpha and beta, data_ptr, isinf and friends, quantile, integer bitwise ops, empty shapes, GELU's tanh form."""

import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import assert_same, to_bt

settings.register_profile("corpus_fixes", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
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
@pytest.mark.parametrize("a, b", [((2, 3), (3, 2)), ((4, 3, 2), (5, 1, 3)), ((0,), (2,)), ((2, 1), (3, 0)),
                                  ((3,), (2, 4))])
def test_broadcast_error_names_last_mismatch(bt, a, b):
    same_error(lambda: torch.zeros(a) + torch.zeros(b), lambda: bt.zeros(a) + bt.zeros(b))


def test_broadcast_shapes_folds_left_to_right(bt):
    assert tuple(bt.broadcast_shapes((2, 1), (1, 3), (1,))) == (2, 3)
    assert tuple(bt.broadcast_shapes((2, 1), (1, 0))) == tuple(torch.broadcast_shapes((2, 1), (1, 0)))
    same_error(lambda: torch.broadcast_shapes((2, 1), (3, 0)), lambda: bt.broadcast_shapes((2, 1), (3, 0)))
    assert tuple(bt.broadcast_shapes()) == ()
    same_error(lambda: torch.where(torch.ones(2, 3) > 0, torch.ones(2, 3), torch.ones(4, 3)),
               lambda: bt.where(bt.ones(2, 3) > 0, bt.ones(2, 3), bt.ones(4, 3)))


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

    return [output_of_exp, input_then_add, leaf_under_no_grad, plain_tensor, twice_in_place, custom_output,
            custom_input]


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
    return [lambda: x / 2, lambda: x / lib.tensor(2.0), lambda: 2 / x, lambda: x.div(2), lambda: x.mean(),
            lambda: F.cross_entropy(x, t, ignore_index=1), lambda: F.cross_entropy(x, t, weight=w),
            lambda: F.nll_loss(x, t, weight=w), lambda: F.cross_entropy(x, t, label_smoothing=0.1, ignore_index=1),
            lambda: F.cross_entropy(x, soft), lambda: F.cross_entropy(x, soft, label_smoothing=0.2),
            lambda: F.cross_entropy(x, soft, weight=w), lambda: F.kl_div(x, soft, reduction="batchmean")]


@pytest.mark.parametrize("case", range(13))
def test_division_node_names(bt, case):
    from runtime_helpers import graph_signature
    real, ours = _division_cases(torch)[case](), _division_cases(bt)[case]()
    assert graph_signature(ours.grad_fn) == graph_signature(real.grad_fn)
    assert_same(ours, real)
