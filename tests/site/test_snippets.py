"""Every snippet against real PyTorch: it runs on its own, prints what the page shows, and the facts hold."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from support import ROOT, SNIPPETS, PageSteps, mask_addresses

SCRIPTS = sorted(p.name for p in SNIPPETS.glob("*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_snippet_runs_alone_and_prints_what_its_pages_show(name, built_site):
    """`python snippets/NAME.py` from a fresh checkout prints the outputs its cells show, in order."""
    _, runs = built_site
    result = subprocess.run([sys.executable, f"snippets/{name}"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shown = [c for run in runs.values() for c in run.cells if c.source == f"snippets/{name}"]
    if name == "lenet.py":  # a module: defines Net, prints nothing
        assert result.stdout == "" and shown and all(c.output == "" for c in shown)
        return
    assert shown, f"{name} is on no page"
    first = {}  # each section once, as the page that shows it first printed it
    for c in shown:
        first.setdefault(c.section, c)
    if None in first:  # a page shows the whole file: that cell ran what the script runs
        printed = first[None].output
    else:
        unshown = [section for section in _sections(SNIPPETS / name) if section not in first]
        assert not unshown, f"{name}: sections no page shows: {unshown}"  # every line of the file is on a page
        printed = "".join(c.output for c in sorted(first.values(), key=lambda c: c.first_line))  # the file's order
    assert mask_addresses(result.stdout + result.stderr) == mask_addresses(printed)


def _sections(path):
    """The names of a snippet file's sections, in file order (`# --8<-- [start:name]`)."""
    from tutorial_site.snippets import MARKER

    markers = (MARKER.match(line) for line in path.read_text(encoding="utf-8").splitlines())
    return [marker["name"] for marker in markers if marker and marker["kind"] == "start"]


def test_lenet_layer_shapes(steps):
    out = steps.run("shapes.py:trace")
    x = torch.randn(4, 1, 32, 32)
    net = steps["net"]
    c1 = torch.relu(net.conv1(x))
    assert c1.shape == (4, 6, 28, 28)
    s2 = torch.max_pool2d(c1, 2)
    assert s2.shape == (4, 6, 14, 14)
    c3 = torch.relu(net.conv2(s2))
    assert c3.shape == (4, 16, 10, 10)
    s4 = torch.max_pool2d(c3, 2)
    assert s4.shape == (4, 16, 5, 5) and torch.flatten(s4, 1).shape == (4, 400)
    assert net.fc1.out_features == 120 and net.fc2.out_features == 84 and steps["x"].shape == (4, 10)
    printed = {line.split()[0]: line.split(None, 1)[1] for line in out.splitlines()}
    assert printed["c1"] == "(4, 6, 28, 28)" and printed["s4"] == "(4, 16, 5, 5)" and printed["f6"] == "(4, 84)"


def test_parameters_count_and_order(steps):
    steps.run("define.py:build")
    out = steps.run("define.py:parameters")
    params = steps["params"]
    assert len(params) == 10
    assert params[0].shape == (6, 1, 5, 5)
    names = [n for n, _ in steps["net"].named_parameters()]
    assert names == [
        f"{layer}.{kind}" for layer in ("conv1", "conv2", "fc1", "fc2", "fc3") for kind in ("weight", "bias")
    ]
    assert sum(p.numel() for p in params) == 61706
    assert "total: 61706" in out


def test_net2_declaration_order_drives_parameters_and_print(steps):
    out = steps.run("net2_order.py:net2")
    names = [n for n, _ in steps["net2"].named_parameters()]
    assert names[:4] == ["fc1.weight", "fc1.bias", "conv1.weight", "conv1.bias"]
    assert names[-2:] == ["conv2.weight", "conv2.bias"]
    printed_order = [line.split(")")[0].strip(" (") for line in out.splitlines() if line.startswith("  (")]
    assert printed_order == ["fc1", "conv1", "fc2", "fc3", "conv2"]


def test_call_and_forward_agree(steps):
    steps.run("define.py:build")
    steps.run("define.py:forward")
    steps.run("define.py:call")
    assert torch.equal(steps["out"], steps["same"])
    assert steps["out"].shape == (1, 10) and steps["out"].grad_fn.name() == "AddmmBackward0"


def test_conv_walkthrough(steps):
    out = steps.run("conv_walkthrough.py:shapes")
    assert steps["conv"].weight.shape == (4, 3, 3, 3)
    assert steps["y"].shape == (1, 4, 3, 3)
    steps.run("conv_walkthrough.py:by-hand")
    assert torch.allclose(steps["by_hand"], steps["y"][0, steps["k"], steps["i"], steps["j"]])
    assert "torch.Size([1, 4, 3, 3])" in out


def test_3x3_variant_takes_16_6_6_features(steps):
    steps.run("lenet_3x3.py:net")
    steps.run("lenet_3x3.py:run")
    assert steps["net3"].fc1.in_features == 16 * 6 * 6
    assert steps["out3"].shape == (1, 10)


def test_num_flat_features_equals_flatten(steps):
    steps.run("lenet_3x3.py:net")
    net3 = steps["Net3x3"]()
    x = torch.randn(2, 16, 6, 6)
    assert net3.num_flat_features(x) == torch.flatten(x, 1).shape[1] == 576
    steps.run("flatten.py:compare")
    assert torch.equal(steps["by_view"], steps["by_flatten"])


def test_backward_with_gradient_fills_every_grad(steps):
    steps.run("forward_backward.py:setup")
    steps.run("forward_backward.py:backward")
    assert all(p.grad is not None and p.grad.shape == p.shape for p in steps["net"].parameters())
    steps.run("forward_backward.py:batch")
    assert steps["batch"].shape == (1, 1, 32, 32)


def test_loss_grad_fn_chain(steps):
    steps.run("loss.py:loss")
    loss, net = steps["loss"], steps["net"]
    assert loss.grad_fn.name() == "MseLossBackward0"
    addmm = loss.grad_fn.next_functions[0][0]
    assert addmm.name() == "AddmmBackward0"
    names = [node.name() for node, _ in addmm.next_functions]
    assert names == ["torch::autograd::AccumulateGrad", "ReluBackward0", "TBackward0"]
    # the tutorial's old "# ReLU" comment: next_functions[0][0] twice is fc3's bias
    assert addmm.next_functions[0][0].variable is net.fc3.bias
    assert addmm.next_functions[2][0].next_functions[0][0].variable is net.fc3.weight
    steps.run("loss.py:walk")
    steps.run("loss.py:inputs")


def test_grads_none_before_backward_and_set_after(steps):
    steps.run("backprop.py:setup")
    out = steps.run("backprop.py:backward")
    assert out.splitlines()[1] == "None"
    bias_grad = steps["net"].conv1.bias.grad
    assert bias_grad is not None and bias_grad.shape == (6,) and bias_grad.abs().sum() > 0
    steps.run("backprop.py:accumulate")
    assert steps["net"].conv1.bias.grad is None  # zero_grad sets to None


def test_gradients_accumulate_to_exactly_twice(steps):
    steps.run("backprop.py:setup")
    steps.run("backprop.py:backward")
    first = steps["net"].conv1.bias.grad.clone()
    steps["loss"].backward(retain_graph=True)
    assert torch.allclose(steps["net"].conv1.bias.grad, 2 * first)


def test_manual_sgd_moves_each_parameter_by_lr_times_grad(steps):
    steps.run("update.py:setup")
    net = steps["net"]
    steps.run("update.py:manual")
    # the snippet's loop has run; recompute what it must have done from a fresh copy of the setup
    check = PageSteps()
    check.run("update.py:setup")
    before = {n: p.detach().clone() for n, p in check["net"].named_parameters()}
    check["net"].zero_grad()
    check["criterion"](check["net"](check["input"]), check["target"]).backward()
    for name, p in net.named_parameters():
        grad = dict(check["net"].named_parameters())[name].grad
        assert torch.equal(p.detach(), before[name] - grad * 0.01), name


def test_one_optimizer_step_equals_the_manual_update(steps):
    import copy

    steps.run("update.py:setup")
    steps.run("update.py:manual")
    manual_net = copy.deepcopy(steps["net"])
    steps.run("update.py:optim")
    net = steps["net"]
    for (name, p), (_, m) in zip(net.named_parameters(), manual_net.named_parameters()):
        # the optimizer applied p.grad (computed in the optim cell) to the state manual_net holds
        expected = m.detach() - p.grad * 0.01
        # SGD adds grad * -lr in one fused step, the loop subtracts grad * lr: equal up to one float32 rounding
        eps = torch.finfo(torch.float32).eps
        torch.testing.assert_close(p.detach(), expected, rtol=eps, atol=eps * expected.abs().max().item(), msg=name)
    lines = steps.run("update.py:optim")  # a second step keeps lowering the loss
    first, after = (float(line[7:13]) for line in lines.splitlines()[:2])
    assert after < first


def test_device_snippet_picks_an_available_device(steps):
    out = steps.run("gpu.py:device")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert out.splitlines()[0] == expected
    assert steps["out"].device.type == expected


def test_zero_grad_set_to_none_false_gives_zeros(steps):
    out = steps.run("versions.py:names")
    assert out.splitlines()[:3] == ["MseLossBackward0", "AddmmBackward0", "None"]
    assert torch.equal(steps["net"].fc3.bias.grad, torch.zeros(10))
