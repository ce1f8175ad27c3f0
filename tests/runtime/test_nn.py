"""torch.nn, torch.optim and printing against real PyTorch: seeded initialisation bit for bit, module and
optimizer reprs, state_dict round trips, training steps."""

import pytest
import torch
from runtime_helpers import assert_same


def build(lib, kind):
    lib.manual_seed(7)
    nn = lib.nn
    return {
        "linear": lambda: nn.Linear(20, 7),
        "conv": lambda: nn.Conv2d(3, 4, 3, stride=2, padding=1),
        "seq": lambda: nn.Sequential(
            nn.Conv2d(1, 2, 3, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Dropout(0.25),
            nn.Linear(18, 3),
            nn.LogSoftmax(dim=1),
        ),
    }[kind]()


@pytest.mark.parametrize("kind", ["linear", "conv", "seq"])
def test_seeded_init_repr_and_state_dict_match(bt, kind):
    real, ours = build(torch, kind), build(bt, kind)
    assert repr(ours) == repr(real)
    assert list(ours.state_dict()) == list(real.state_dict())
    for (name, p), (real_name, q) in zip(ours.named_parameters(), real.named_parameters()):
        assert name == real_name
        assert_same(p, q)  # kaiming_uniform_ and the bias bound draw the same float32 values
        assert repr(p) == repr(q)


def test_printing_matches(bt):
    torch.manual_seed(1)
    bt.manual_seed(1)
    for make in (
        lambda lib: lib.randn(3, 4),
        lambda lib: lib.randn(2, 3, requires_grad=True) * 2,
        lambda lib: lib.arange(6).view(2, 3),
        lambda lib: lib.randn(5) > 0,
        lambda lib: lib.randn(3).sum(),
        lambda lib: lib.randn(2).shape,
        lambda lib: lib.float32,
        lambda lib: lib.device("cpu"),
        lambda lib: lib.randn(4, 3).max(0),
    ):
        assert repr(make(bt)) == repr(make(torch))
    assert str(type(bt.randn(1))) == "<class 'torch.Tensor'>"
    assert str(type(bt.nn.Parameter(bt.randn(1)))) == "<class 'torch.nn.parameter.Parameter'>"


def test_load_state_dict_and_zero_grad(bt):
    source, target = build(bt, "linear"), bt.nn.Linear(20, 7)
    assert repr(target.load_state_dict(source.state_dict())) == "<All keys matched successfully>"
    assert target.weight.tolist() == source.weight.tolist()
    target(bt.randn(2, 20)).sum().backward()
    target.zero_grad(set_to_none=False)
    assert target.weight.grad.abs().sum().item() == 0
    target.zero_grad()
    assert target.weight.grad is None
    with pytest.raises(RuntimeError, match="Missing key"):
        target.load_state_dict({})


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda lib, params: lib.optim.SGD(params, lr=0.01),
        lambda lib, params: lib.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.01),
        lambda lib, params: lib.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True),
        lambda lib, params: lib.optim.Adam(params, lr=0.01),
        lambda lib, params: lib.optim.Adam(params, lr=0.01, weight_decay=0.1, amsgrad=True),
    ],
)
def test_training_steps_match(bt, make_optimizer):
    results = []
    for lib in (torch, bt):
        net = build(lib, "seq")
        net.train()
        optimizer = make_optimizer(lib, net.parameters())
        lib.manual_seed(3)
        x, y = lib.randn(4, 1, 8, 8), lib.tensor([0, 2, 1, 0])
        for _ in range(3):
            optimizer.zero_grad()
            loss = lib.nn.NLLLoss()(net(x), y)
            loss.backward()
            optimizer.step()
        results.append((repr(optimizer), [p.detach().clone() for p in net.parameters()], loss))
    (real_repr, real_params, real_loss), (our_repr, our_params, our_loss) = results
    assert our_repr == real_repr
    assert_same(our_loss, real_loss.detach(), rtol=1e-5, atol=1e-6)
    for ours, real in zip(our_params, real_params):
        assert_same(ours, real, rtol=1e-4, atol=1e-6)


def test_manual_sgd_through_data_updates_the_parameter(bt):
    lin = build(bt, "linear")
    lin(bt.ones(1, 20)).sum().backward()
    before = lin.bias.tolist()
    for f in lin.parameters():
        f.data.sub_(f.grad.data * 0.5)
    assert lin.bias.tolist() != before and lin.bias.is_leaf and lin.bias.grad_fn is None


def test_device_and_cuda(bt):
    assert bt.cuda.is_available() is False
    device = bt.device("cuda" if bt.cuda.is_available() else "cpu")
    net = build(bt, "linear").to(device)
    assert str(device) == "cpu" and net(bt.ones(1, 20)).device == device
    with pytest.raises(NotImplementedError, match="cuda"):
        bt.ones(2).to("cuda")
