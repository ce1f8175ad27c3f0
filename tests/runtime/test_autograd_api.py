"""The autograd API against real PyTorch: autograd.grad, backward(inputs=, create_graph=), double backward, custom
Functions, hooks and their handles, retain_grad, grad modes, functional.jacobian/hessian, and the errors."""

import warnings

import pytest
import torch
from runtime_helpers import graph_signature


def outcome(fn):
    """fn()'s value, or the error it raised as (type name, message)."""
    try:
        return fn()
    except Exception as error:  # noqa: BLE001  (the error is the result compared)
        return (type(error).__name__, str(error))


def same(bt, program):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, real = repr(program(bt)), repr(program(torch))
    assert ours == real
    return ours


def test_autograd_grad_values_and_options(bt):
    def program(lib):
        a = lib.tensor([0.5, -1.5, 2.0], requires_grad=True)
        b = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        unused = lib.tensor(1.0, requires_grad=True)
        y = (a * b * a).sum()
        out = [lib.autograd.grad(y, [a, b], retain_graph=True)]
        out.append(lib.autograd.grad(y, a, grad_outputs=lib.tensor(2.0), retain_graph=True))
        out.append(lib.autograd.grad(y, [a, unused], allow_unused=True, retain_graph=True))
        out.append(lib.autograd.grad(y, [a, unused], materialize_grads=True, retain_graph=True))
        out.append(lib.autograd.grad([y, a.sum() * 3], [a]))
        z = a * b
        out.append(lib.autograd.grad(z, {"a": a, "b": b}, grad_outputs=lib.tensor([1.0, 0.5, 0.25])))
        out.append((a.grad, b.grad))
        return out

    same(bt, program)


def backward_twice(y):
    y.backward()
    y.backward()


def test_autograd_grad_errors(bt):
    def program(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        return [
            outcome(lambda: lib.autograd.grad((a * 2).sum(), [a, lib.tensor(1.0, requires_grad=True)])),
            outcome(lambda: lib.autograd.grad((a * 2).sum(), [lib.tensor(1.0)])),
            outcome(lambda: lib.autograd.grad(lib.tensor(1.0), [a])),
            outcome(lambda: lib.autograd.grad(a * 2, [a])),
            outcome(lambda: lib.autograd.grad((a * 2).sum(), [])),
            outcome(lambda: lib.autograd.grad(a * 2, a, grad_outputs=lib.ones(3))),
            outcome(lambda: lib.autograd.grad((a * 2).sum(), a, materialize_grads=True, allow_unused=False)),
            outcome(lambda: backward_twice((a * a).sum())),
        ]

    same(bt, program)


def test_backward_with_inputs_accumulates_only_there(bt):
    def program(lib):
        a = lib.tensor(2.0, requires_grad=True)
        b = lib.tensor(3.0, requires_grad=True)
        h = a * b
        (h * h).backward(inputs=[a, h])
        out = [a.grad, b.grad, h.grad, h.retains_grad]
        c = a * b
        c.backward(inputs=b)
        out += [a.grad, b.grad, outcome(lambda: (a * b).backward(inputs=[]))]
        return out

    same(bt, program)


def test_double_backward_through_create_graph(bt):
    def program(lib):
        x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = (x**3 + x.exp() * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w * w).sum()
        loss.backward(create_graph=True)
        first = (w.grad, w.grad.grad_fn.name(), w.grad.requires_grad)
        w.grad.sum().backward()
        return [g, g2, g3, first, w.grad]

    same(bt, program)


def test_double_backward_graph_of_the_accumulated_grad(bt):
    def program(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        (w * w).sum().backward(create_graph=True)
        first = graph_signature(w.grad.grad_fn)
        (w * w).sum().backward(create_graph=True)
        return first, graph_signature(w.grad.grad_fn)

    same(bt, program)


def test_hooks_handles_and_retain_grad(bt):
    def program(lib):
        seen = []
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        leaf_handle = x.register_hook(lambda g: g * 3)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: seen.append(g.tolist()))
        y.register_hook(lambda g: g * 10)
        y.sum().backward()
        out = [x.grad, y.grad, list(seen)]
        leaf_handle.remove()
        x.grad = None
        (x * 2).sum().backward()
        out.append(x.grad)
        calls = []
        handle = x.register_post_accumulate_grad_hook(lambda p: calls.append(p.grad.tolist()))
        (x * x).sum().backward()
        handle.remove()
        (x * x).sum().backward()
        out += [
            calls,
            outcome(lambda: lib.ones(2).register_hook(lambda g: g)),
            outcome(lambda: lib.ones(2).retain_grad()),
            outcome(lambda: (x * 2).register_post_accumulate_grad_hook(lambda p: None)),
        ]
        return out

    same(bt, program)


def test_node_hooks(bt):
    def program(lib):
        log = []
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        y.grad_fn.register_prehook(lambda grad_outputs: log.append(("pre", [g.tolist() for g in grad_outputs])))
        y.grad_fn.register_hook(
            lambda grad_inputs, grad_outputs: log.append(
                ("post", [g if g is None else g.tolist() for g in grad_inputs])
            )
        )
        y.sum().backward()
        return log

    same(bt, program)


class Cube:
    """A custom Function written for both libraries: y = k * x**3, backward 3k x**2."""

    def __new__(cls, lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                ctx.save_for_backward(x)
                ctx.k = k
                ctx.seen_needs = ctx.needs_input_grad
                return x * x * x * k

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * 3 * ctx.k * x * x, None

        return Cube


def test_custom_function(bt):
    def program(lib):
        cube = Cube(lib)
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = cube.apply(x, 2.0)
        out = [
            y,
            y.grad_fn.name(),
            type(y.grad_fn).__name__,
            y.grad_fn.seen_needs,
            graph_signature(y.grad_fn),
            repr(y.grad_fn).split(" object")[0],
        ]
        y.sum().backward()
        out += [x.grad, outcome(lambda: y.grad_fn.saved_tensors)]
        (g,) = lib.autograd.grad(cube.apply(x, 1.0).sum(), x, create_graph=True)
        out += [g, lib.autograd.grad(g.sum(), x)]
        with lib.no_grad():
            out.append(cube.apply(x, 1.0).grad_fn)
        out.append(cube.apply(lib.ones(2), 1.0).requires_grad)
        return out

    same(bt, program)


def test_custom_function_several_outputs_and_errors(bt):
    def program(lib):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                idx = lib.tensor([0, 1])
                ctx.mark_non_differentiable(idx)
                return x * 2, x * 3, idx

            @staticmethod
            def backward(ctx, g1, g2, g3):
                return g1 * 2 + g2 * 3

        class Wrong(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, grad):
                return grad

        class WrongShape(Wrong):
            @staticmethod
            def backward(ctx, grad):
                return lib.ones(5), None

        class SetupContext(lib.autograd.Function):
            @staticmethod
            def forward(x):
                return x * x

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(inputs[0])

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * 2 * x

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a, b, idx = Split.apply(x)
        out = [a.grad_fn is b.grad_fn, idx.requires_grad, a.grad_fn.name()]
        b.sum().backward()
        out.append(x.grad)
        out.append(outcome(lambda: Wrong.apply(x, 2.0).sum().backward()))
        out.append(outcome(lambda: WrongShape.apply(x, 2.0).sum().backward()))
        s = SetupContext.apply(x)
        out.append(lib.autograd.grad(s.sum(), x))
        return out

    same(bt, program)


def test_grad_modes(bt):
    def program(lib):
        x = lib.ones(2, requires_grad=True)
        out = []

        @lib.no_grad
        def bare(t):
            return (t * 2).requires_grad

        @lib.no_grad()
        def called(t):
            return (t * 2).requires_grad

        @lib.enable_grad()
        def enabled(t):
            return (t * 2).requires_grad

        @lib.inference_mode()
        def inference(t):
            return (t * 2).requires_grad, lib.is_inference_mode_enabled()

        @lib.set_grad_enabled(False)
        def disabled(t):
            return (t * 2).requires_grad

        out += [bare(x), called(x), inference(x), disabled(x), lib.is_grad_enabled()]
        with lib.no_grad():
            out += [enabled(x), (x * 2).requires_grad]
        with lib.inference_mode():
            out += [lib.is_grad_enabled(), lib.is_inference_mode_enabled()]
            with lib.inference_mode(False):
                out.append(lib.is_inference_mode_enabled())
        out.append(repr(lib.set_grad_enabled(False)))
        out += [lib.is_grad_enabled(), (x * 2).requires_grad]
        lib.set_grad_enabled(True)
        with lib.set_grad_enabled(False):
            out.append(lib.is_grad_enabled())
        out.append(lib.is_grad_enabled())
        return out

    same(bt, program)


def test_requires_grad_and_detach_rules(bt):
    def program(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        out = [
            y.requires_grad_(True) is y,
            outcome(lambda: y.requires_grad_(False)),
            outcome(lambda: setattr(y, "requires_grad", True)),
            outcome(lambda: lib.ones(2, dtype=lib.int64).requires_grad_()),
            outcome(lambda: x[:2].detach_()),
        ]
        y.detach_()
        out += [y.requires_grad, y.is_leaf, y.grad_fn]
        d = x.detach()
        out += [d.requires_grad, d.is_leaf]
        return out

    same(bt, program)


def test_create_graph_warns_once_like_pytorch(bt):
    x = bt.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bt.autograd.graph._warned_create_graph = False
        (x * x).sum().backward(create_graph=True)
        (x * x).sum().backward(create_graph=True)
    assert [str(w.message)[:60] for w in caught] == ["Using backward() with create_graph=True will create a refere"]


def test_functional_jacobian_and_hessian(bt):
    def program(lib):
        x = lib.tensor([0.5, -1.0, 2.0])
        y = lib.tensor([1.5, 0.25])
        jac = lib.autograd.functional.jacobian(lambda t: t**2 * 3, x)
        jac2 = lib.autograd.functional.jacobian(lambda a, b: (a.sum() * b, b.exp()), (x, y))
        # (no indexing inside: select's backward writes raw values, so it is not twice differentiable yet)
        hess = lib.autograd.functional.hessian(lambda t: (t**3).sum() + (t * t.exp()).sum(), x)
        return jac, jac2, hess

    same(bt, program)


@pytest.mark.parametrize("retain", [False, True])
def test_gradient_accumulation_order_is_pytorchs(bt, retain):
    def program(lib):
        lib.manual_seed(0)
        x = lib.randn(5, requires_grad=True)
        a = x * 0.1
        b = a.exp() * x + a * a
        c = (b * a).sum() + (b / 3).sum() + a.sum()
        c.backward(retain_graph=retain)
        return x.grad

    same(bt, program)
