"""Activation and loss layers of the runtime (torch.nn.ReLU ... CrossEntropyLoss) against real PyTorch: print(module)
byte for byte, forward values, gradients and graphs; and one_hot, normalize, cosine_similarity, pairwise_distance,
the margin/embedding losses, torch.selu/threshold/... forms and float64 softmax.

Exact wherever ATen's float steps are reproduced; where ATen uses SLEEF's exp/log/log1p (soft_margin_loss,
poisson_nll_loss, logsigmoid, float64 softmax) or torch 2.13's float32 sqrt (not correctly rounded; in
cosine_embedding_loss) the tolerance says so."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from runtime_helpers import assert_same, graph_signature, to_bt
from test_ops import tensors


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def both(bt, fn, *inputs, grad=True):
    """fn(lib, *inputs) with lib torch then the runtime (the first input requiring grad); checks the graphs match and
    returns (real, real grad, ours, our grad)."""
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
        out = fn(lib, *args)
        if grad:
            torch.manual_seed(0)
            upstream = torch.randn(tuple(out.shape), dtype=getattr(torch, str(out.dtype).removeprefix("torch.")))
            out.backward(upstream if lib is torch else to_bt(bt, upstream))
        results.append((out, args[0].grad if grad else None))
    (real, real_grad), (ours, our_grad) = results
    if grad:
        assert graph_signature(ours.grad_fn) == graph_signature(real.grad_fn)
    return real, real_grad, ours, our_grad


# ---- print(module) ------------------------------------------------------------------------------------------------
MODULES = [
    "ReLU()",
    "ReLU(inplace=True)",
    "LeakyReLU()",
    "LeakyReLU(0.2, True)",
    "ELU()",
    "ELU(alpha=0.5, inplace=True)",
    "SELU()",
    "SELU(True)",
    "CELU(2.0)",
    "GELU()",
    "GELU(approximate='tanh')",
    "SiLU()",
    "SiLU(inplace=True)",
    "Mish()",
    "Softplus()",
    "Softplus(beta=2, threshold=10)",
    "Softsign()",
    "Hardtanh()",
    "Hardtanh(-2, 3, True)",
    "ReLU6()",
    "ReLU6(inplace=True)",
    "Hardsigmoid()",
    "Hardswish()",
    "PReLU()",
    "PReLU(3, 0.1)",
    "Sigmoid()",
    "Tanh()",
    "Softmax()",
    "Softmax(dim=1)",
    "LogSoftmax(-1)",
    "Softmin(0)",
    "Softmax2d()",
    "Threshold(0.1, 20)",
    "Threshold(0.1, 20.0, inplace=True)",
    "Tanhshrink()",
    "Softshrink()",
    "Softshrink(1)",
    "Hardshrink(0.25)",
    "GLU()",
    "GLU(0)",
    "LogSigmoid()",
    "RReLU()",
    "RReLU(0.1, 0.3, True)",
    "L1Loss()",
    "MSELoss(reduction='sum')",
    "SmoothL1Loss(beta=0.5)",
    "HuberLoss(delta=2)",
    "BCELoss()",
    "BCEWithLogitsLoss(pos_weight=torch.ones(3))",
    "KLDivLoss(reduction='batchmean')",
    "NLLLoss(ignore_index=1)",
    "CrossEntropyLoss()",
    "CrossEntropyLoss(weight=torch.ones(3), label_smoothing=0.1, reduction='none')",
    "CosineEmbeddingLoss(0.5)",
    "MarginRankingLoss()",
    "HingeEmbeddingLoss(2.0)",
    "SoftMarginLoss()",
    "PoissonNLLLoss(full=True)",
    "GaussianNLLLoss(eps=1e-3)",
]


@pytest.mark.parametrize("spec", MODULES)
def test_module_repr_and_attributes_match_pytorch(bt, spec):
    real = eval("torch.nn." + spec, {"torch": torch})
    ours = eval("torch.nn." + spec, {"torch": bt})
    assert repr(ours) == repr(real)
    for name in (
        "inplace",
        "dim",
        "alpha",
        "reduction",
        "ignore_index",
        "label_smoothing",
        "margin",
        "beta",
        "delta",
        "lambd",
        "min_val",
        "max_val",
        "negative_slope",
        "num_parameters",
        "approximate",
        "eps",
        "full",
    ):
        assert getattr(ours, name, "absent") == getattr(real, name, "absent"), name
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in real.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in real.named_buffers()]


def test_sequential_of_activations_prints_as_pytorch(bt):
    def build(nn):
        return nn.Sequential(
            nn.Linear(4, 3),
            nn.PReLU(3),
            nn.Dropout(0.1),
            nn.GELU("tanh"),
            nn.Softmax(dim=1),
            nn.CrossEntropyLoss(label_smoothing=0.2),
        )

    assert repr(build(bt.nn)) == repr(build(torch.nn))
    assert repr(bt.nn.PReLU(2).weight) == repr(torch.nn.PReLU(2).weight)


def test_module_argument_errors(bt):
    for lib in (torch, bt):
        with pytest.raises(AssertionError, match=r"max_val \(1\) must be greater than min_val \(2\)"):
            lib.nn.Hardtanh(2, 1)
        with pytest.raises(TypeError, match="delta must be a float or int"):
            lib.nn.HuberLoss(delta="1")
        with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D instead"):
            lib.nn.Softmax2d()(lib.zeros(2, 3))
    with pytest.warns(
        UserWarning,
        match=r"size_average and reduce args will be deprecated, please use "
        r"reduction='sum' instead\.",
    ):
        assert bt.nn.MSELoss(size_average=False).reduction == "sum"


# ---- forward and backward through the modules ---------------------------------------------------------------------
EXACT = [
    "ReLU()",
    "LeakyReLU(0.2)",
    "Hardtanh(-2, 3)",
    "ReLU6()",
    "Hardsigmoid()",
    "Hardswish()",
    "PReLU()",
    "Softmax(dim=1)",
    "LogSoftmax(1)",
    "Softmin(1)",
    "Threshold(0.1, 20.0)",
    "Softshrink()",
    "Hardshrink(0.25)",
    "Softsign()",
    "RReLU().eval()",
]
CLOSE = [
    "ELU()",
    "SELU()",
    "CELU(2.0)",
    "SiLU()",
    "Mish()",
    "Softplus(beta=2)",
    "Tanhshrink()",
    "LogSigmoid()",
    "GELU()",
    "GELU('tanh')",
    "Sigmoid()",
    "Tanh()",
    "GLU()",
]


@pytest.mark.parametrize("spec", EXACT + CLOSE)
def test_activation_modules(bt, spec):
    torch.manual_seed(5)
    x = torch.randn(6, 10) * 4
    real, real_grad, ours, our_grad = both(bt, lambda lib, a: eval("nn." + spec, {"nn": lib.nn})(a), x)
    # exact where ATen's formula is arithmetic; within a few ULP where its vector code uses SLEEF (see activations.py)
    tolerance = {} if spec in EXACT else {"rtol": 1e-6, "atol": 1e-6}
    assert_same(ours, real, **tolerance)
    assert_same(our_grad, real_grad, **tolerance)


def test_prelu_module_learns_its_weight(bt):
    torch.manual_seed(6)
    x = torch.randn(4, 3, 5)
    grads = []
    for lib in (torch, bt):
        layer = lib.nn.PReLU(3, init=0.2)
        out = layer(x if lib is torch else to_bt(bt, x))
        out.sum().backward()
        grads.append((out, layer.weight.grad))
    assert_same(grads[1][0], grads[0][0])
    assert_same(grads[1][1], grads[0][1], rtol=2.4e-7, atol=0)  # the runtime's sum over dims (0, 2): an ULP off


CLASSES = torch.tensor([0, 2, 1, 2])
LOSS_MODULES = {
    "L1Loss()": "target",
    "MSELoss(reduction='sum')": "target",
    "SmoothL1Loss(beta=0.5)": "target",
    "HuberLoss(delta=0.7)": "target",
    "BCELoss()": "probs",
    "BCEWithLogitsLoss(pos_weight=torch.ones(3) * 2)": "probs",
    "KLDivLoss(reduction='batchmean')": "probs",
    "NLLLoss(ignore_index=1)": "classes",
    "CrossEntropyLoss()": "classes",
    "CrossEntropyLoss(weight=torch.tensor([1., 2, 3]), label_smoothing=0.1)": "classes",
    "SoftMarginLoss()": "signs",
    "PoissonNLLLoss()": "counts",
    "GaussianNLLLoss()": "var",
    "HingeEmbeddingLoss(0.5)": "signs",
}


@pytest.mark.parametrize("spec", LOSS_MODULES)
def test_loss_modules(bt, spec):
    torch.manual_seed(7)
    x = torch.randn(4, 3)
    kind = LOSS_MODULES[spec]
    other = {
        "target": torch.randn(4, 3),
        "probs": torch.rand(4, 3),
        "classes": CLASSES,
        "signs": torch.tensor([[1.0, -1, 1], [-1, -1, 1], [1, 1, 1], [-1, 1, -1]]),
        "counts": torch.randint(0, 5, (4, 3)).float(),
        "var": torch.randn(4, 3),
    }[kind]
    extra = [torch.rand(4, 3)] if kind == "var" else []

    def run(lib, a, b, *rest):
        module = eval("nn." + spec, {"nn": lib.nn, "torch": lib})
        if spec.startswith("BCELoss"):
            a = lib.sigmoid(a)
        return module(a, b, *rest)

    real, real_grad, ours, our_grad = both(bt, run, x, other, *extra)
    # bce: glibc's logf/log1pf; soft margin, poisson, bce with logits: SLEEF's exp/log1p in ATen's vector code
    close = kind in ("probs", "signs", "counts") and "KLDiv" not in spec
    tolerance = {"rtol": 1e-6, "atol": 1e-7} if close else {}
    assert_same(ours, real, **tolerance)
    assert_same(our_grad, real_grad, **tolerance)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_pair_losses(bt, reduction):
    torch.manual_seed(8)
    a, b = torch.randn(6, 5), torch.randn(6, 5)
    signs = torch.tensor([1.0, -1, -1, 1, 1, -1])
    real, real_grad, ours, our_grad = both(
        bt, lambda lib, x, y, t: lib.nn.MarginRankingLoss(0.3, reduction=reduction)(x, y, t), a[:, 0], b[:, 0], signs
    )
    assert_same(ours, real)
    assert_same(our_grad, real_grad)
    real, real_grad, ours, our_grad = both(
        bt, lambda lib, x, y, t: lib.nn.CosineEmbeddingLoss(0.2, reduction=reduction)(x, y, t), a, b, signs
    )
    # torch 2.13's float32 sqrt is not always the correctly rounded one the runtime computes: an ULP or two
    assert_same(ours, real, rtol=1e-6, atol=1e-7)
    assert_same(our_grad, real_grad, rtol=1e-5, atol=1e-6)


def test_weighted_regression_losses(bt):
    torch.manual_seed(9)
    x, t, w = torch.randn(5, 4), torch.randn(5, 4), torch.rand(5, 4)
    for name in ("l1_loss", "mse_loss", "huber_loss"):
        for reduction in ("mean", "sum", "none"):
            real, real_grad, ours, our_grad = both(
                bt, lambda lib, a, b, c: getattr(lib.nn.functional, name)(a, b, reduction=reduction, weight=c), x, t, w
            )
            assert_same(ours, real)
            assert_same(our_grad, real_grad)
    with pytest.raises(ValueError, match="Weights and input must have the same size."):
        bt.nn.functional.l1_loss(to_bt(bt, x), to_bt(bt, t), weight=bt.ones(4))


def test_gaussian_nll_loss_variants(bt):
    torch.manual_seed(10)
    x, t = torch.randn(5, 4), torch.randn(5, 4)
    for var, full in ((torch.rand(5, 4), True), (torch.rand(5), False), (torch.rand(5, 1), False)):
        real, real_grad, ours, our_grad = both(
            bt, lambda lib, a, b, v: lib.nn.functional.gaussian_nll_loss(a, b, v, full=full), x, t, var
        )
        assert_same(ours, real)
        assert_same(our_grad, real_grad)
    with pytest.raises(ValueError, match="var is of incorrect size"):
        bt.nn.functional.gaussian_nll_loss(to_bt(bt, x), to_bt(bt, t), bt.ones(3))


def test_poisson_nll_loss_without_log_input(bt):
    torch.manual_seed(11)
    x, t = torch.rand(5, 4) + 0.1, torch.randint(0, 6, (5, 4)).float()
    real, real_grad, ours, our_grad = both(
        bt, lambda lib, a, b: lib.nn.functional.poisson_nll_loss(a, b, log_input=False, full=True), x, t
    )
    assert_same(ours, real, rtol=1e-6)  # glibc's logf there, correctly rounded log here
    assert_same(our_grad, real_grad, rtol=1e-6)


# ---- one_hot, normalize, cosine_similarity, pairwise_distance ---------------------------------------------------
@given(values=st.lists(st.integers(0, 6), min_size=0, max_size=12), extra=st.integers(0, 3), rows=st.booleans())
def test_one_hot(bt, values, extra, rows):
    t = torch.tensor(values, dtype=torch.int64)
    if rows and len(values) % 2 == 0 and values:
        t = t.reshape(2, -1)
    classes = (max(values) + 1 + extra) if values else extra + 1
    real, ours = F.one_hot(t, classes), bt.nn.functional.one_hot(to_bt(bt, t), classes)
    assert_same(ours, real)
    if values:
        assert_same(bt.nn.functional.one_hot(to_bt(bt, t)), F.one_hot(t))


def test_one_hot_errors(bt):
    cases = [
        (torch.tensor([1.0]), -1),
        (torch.tensor([3]), 2),
        (torch.tensor([-1]), -1),
        (torch.tensor([], dtype=torch.int64), -1),
    ]
    for t, classes in cases:
        with pytest.raises(RuntimeError) as real:
            F.one_hot(t, classes)
        with pytest.raises(RuntimeError, match=str(real.value).replace(".", r"\.")):
            bt.nn.functional.one_hot(to_bt(bt, t), classes)


@given(
    x=tensors(of_shapes=st.lists(st.integers(1, 12), min_size=2, max_size=3).map(tuple)),
    p=st.sampled_from([2.0, 1.0, 3.0]),
    dim=st.integers(-2, 1),
)
def test_normalize_bit_exact(bt, x, p, dim):
    real, real_grad, ours, our_grad = both(bt, lambda lib, a: lib.nn.functional.normalize(a, p, dim), x)
    # the norm is ATen's (reduction.py reproduces its order); p=3 goes through pow, within an ULP of ATen's
    tolerance = {"rtol": 3e-7, "atol": 1e-7} if p == 3.0 else {}
    assert_same(ours, real, **tolerance)
    assert_same(our_grad, real_grad, **{"rtol": 1e-5, "atol": 1e-6} if p == 3.0 else tolerance)


@given(shape=st.lists(st.integers(1, 20), min_size=1, max_size=3).map(tuple), data=st.data())
def test_cosine_similarity_and_pairwise_distance_bit_exact(bt, shape, data):
    a, b = data.draw(tensors(shape)), data.draw(tensors(shape))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    real, real_grad, ours, our_grad = both(bt, lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y, dim), a, b)
    assert_same(ours, real)
    assert_same(our_grad, real_grad)
    for p in (2.0, 1.0):
        real, real_grad, ours, our_grad = both(bt, lambda lib, x, y: lib.pairwise_distance(x, y, p), a, b)
        assert_same(ours, real)
        assert_same(our_grad, real_grad)


def test_distance_broadcasting_and_errors(bt):
    a, b = torch.randn(3), torch.randn(2, 3)
    assert_same(bt.nn.functional.pairwise_distance(to_bt(bt, a), to_bt(bt, b)), F.pairwise_distance(a, b))
    assert_same(bt.cosine_similarity(to_bt(bt, a), to_bt(bt, b), dim=-1), torch.cosine_similarity(a, b, dim=-1))
    with pytest.raises(RuntimeError, match="expected common dtype to be floating point, yet common dtype is Long"):
        bt.nn.functional.cosine_similarity(bt.tensor([1, 2]), bt.tensor([1, 2]), 0)


# ---- torch.* forms, the softmax family's F forms, float64 softmax ------------------------------------------------
TORCH_FORMS = {
    "selu": lambda lib, x: lib.selu(x),
    "celu": lambda lib, x: lib.celu(x, 0.5),
    "threshold": lambda lib, x: lib.threshold(x, 0.1, 2.0),
    "hardshrink": lambda lib, x: x.hardshrink(0.3),
    "prelu": lambda lib, x: lib.prelu(x, lib.tensor([0.3])),
    "rrelu": lambda lib, x: lib.rrelu(x),
    "selu_": lambda lib, x: lib.selu_(x.clone()),
    "threshold_": lambda lib, x: lib.threshold_(x.clone(), 0.1, 2.0),
    "elu_inplace": lambda lib, x: lib.nn.functional.elu(x.clone(), inplace=True),
    "leaky_relu_inplace": lambda lib, x: lib.nn.functional.leaky_relu(x.clone(), 0.2, inplace=True),
}


@pytest.mark.parametrize("name", TORCH_FORMS)
def test_torch_forms(bt, name):
    torch.manual_seed(12)
    real, real_grad, ours, our_grad = both(bt, TORCH_FORMS[name], torch.randn(4, 5) * 3)
    tolerance = {"rtol": 1e-6, "atol": 1e-7} if name.startswith(("selu", "celu", "elu")) else {}
    assert_same(ours, real, **tolerance)
    assert_same(our_grad, real_grad, **tolerance)


def test_softmax_functional_forms(bt):
    x = torch.randn(2, 3, 4)
    for name in ("softmax", "log_softmax", "softmin"):
        with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated"):
            ours = getattr(bt.nn.functional, name)(to_bt(bt, x))
        with pytest.warns(UserWarning):
            real = getattr(F, name)(x)
        assert_same(ours, real)
        assert_same(
            getattr(bt.nn.functional, name)(to_bt(bt, x), 1, 3, bt.float64),
            getattr(F, name)(x, 1, 3, torch.float64),
            rtol=1e-14,
            atol=1e-15,
        )  # SLEEF's double exp
    for call in (lambda lib: lib.softmax(lib.zeros(2)), lambda lib: lib.zeros(2).log_softmax()):
        with pytest.raises(TypeError) as real:
            call(torch)
        with pytest.raises(TypeError, match=str(real.value).replace("(", r"\(").replace(")", r"\)")):
            call(bt)


@pytest.mark.parametrize("shape", [(5,), (13,), (3, 7), (4, 16), (2, 9, 17), (3, 40)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_float64_softmax(bt, shape, name):
    torch.manual_seed(13)
    for dim in range(len(shape)):
        x = torch.randn(shape, dtype=torch.float64) * 3
        real, real_grad, ours, our_grad = both(bt, lambda lib, a: getattr(lib, name)(a, dim), x)
        # ATen's double kernel order is reproduced; its SLEEF double exp/log are within an ULP of Python's
        assert_same(ours, real, rtol=1e-14, atol=1e-15)
        assert_same(our_grad, real_grad, rtol=1e-13, atol=1e-14)
