"""Every snippet against real PyTorch: it runs on its own, prints what the page shows, and the facts hold."""
from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from conftest import ROOT, SNIPPETS, PageSteps, mask_addresses

SCRIPTS = sorted(p.name for p in SNIPPETS.glob("*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_snippet_runs_alone_and_prints_what_its_pages_show(name, built_site):
    """`python snippets/NAME.py` from a fresh checkout prints the outputs its cells show, in order."""
    _, runs = built_site
    result = subprocess.run([sys.executable, f"snippets/{name}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    shown = [c for run in runs.values() for c in run.cells if c.source == f"snippets/{name}"]
    if name == "lenet.py":  # a module: defines Net, prints nothing
        assert result.stdout == "" and shown and all(c.output == "" for c in shown)
        return
    assert shown, f"{name} is on no page"
    sections = {c.section for c in shown}
    printed = "".join(c.output for c in shown if c.section in sections and c is _first(shown, c.section))
    assert mask_addresses(result.stdout + result.stderr) == mask_addresses(printed)


def _first(cells, section):
    return next(c for c in cells if c.section == section)


def test_lenet_layer_shapes(page):
    out = page.run("shapes.py:trace")
    x = torch.randn(4, 1, 32, 32)
    net = page["net"]
    c1 = torch.relu(net.conv1(x))
    assert c1.shape == (4, 6, 28, 28)
    s2 = torch.max_pool2d(c1, 2)
    assert s2.shape == (4, 6, 14, 14)
    c3 = torch.relu(net.conv2(s2))
    assert c3.shape == (4, 16, 10, 10)
    s4 = torch.max_pool2d(c3, 2)
    assert s4.shape == (4, 16, 5, 5) and torch.flatten(s4, 1).shape == (4, 400)
    assert net.fc1.out_features == 120 and net.fc2.out_features == 84 and page["x"].shape == (4, 10)
    printed = {line.split()[0]: line.split(None, 1)[1] for line in out.splitlines()}
    assert printed["c1"] == "(4, 6, 28, 28)" and printed["s4"] == "(4, 16, 5, 5)" and printed["f6"] == "(4, 84)"


def test_parameters_count_and_order(page):
    page.run("define.py:build")
    out = page.run("define.py:parameters")
    params = page["params"]
    assert len(params) == 10
    assert params[0].shape == (6, 1, 5, 5)
    names = [n for n, _ in page["net"].named_parameters()]
    assert names == [f"{layer}.{kind}" for layer in ("conv1", "conv2", "fc1", "fc2", "fc3")
                     for kind in ("weight", "bias")]
    assert sum(p.numel() for p in params) == 61706
    assert "total: 61706" in out


def test_net2_declaration_order_drives_parameters_and_print(page):
    out = page.run("net2_order.py:net2")
    names = [n for n, _ in page["net2"].named_parameters()]
    assert names[:4] == ["fc1.weight", "fc1.bias", "conv1.weight", "conv1.bias"]
    assert names[-2:] == ["conv2.weight", "conv2.bias"]
    printed_order = [line.split(")")[0].strip(" (") for line in out.splitlines() if line.startswith("  (")]
    assert printed_order == ["fc1", "conv1", "fc2", "fc3", "conv2"]


def test_call_and_forward_agree(page):
    page.run("define.py:build")
    page.run("define.py:forward")
    page.run("define.py:call")
    assert torch.equal(page["out"], page["same"])
    assert page["out"].shape == (1, 10) and page["out"].grad_fn.name() == "AddmmBackward0"


def test_conv_walkthrough(page):
    out = page.run("conv_walkthrough.py:shapes")
    assert page["conv"].weight.shape == (4, 3, 3, 3)
    assert page["y"].shape == (1, 4, 3, 3)
    page.run("conv_walkthrough.py:by-hand")
    assert torch.allclose(page["by_hand"], page["y"][0, page["k"], page["i"], page["j"]])
    assert "torch.Size([1, 4, 3, 3])" in out


def test_3x3_variant_takes_16_6_6_features(page):
    page.run("lenet_3x3.py:net")
    page.run("lenet_3x3.py:run")
    assert page["net3"].fc1.in_features == 16 * 6 * 6
    assert page["out3"].shape == (1, 10)


def test_num_flat_features_equals_flatten(page):
    page.run("lenet_3x3.py:net")
    net3 = page["Net3x3"]()
    x = torch.randn(2, 16, 6, 6)
    assert net3.num_flat_features(x) == torch.flatten(x, 1).shape[1] == 576
    page.run("flatten.py:compare")
    assert torch.equal(page["by_view"], page["by_flatten"])


def test_backward_with_gradient_fills_every_grad(page):
    page.run("forward_backward.py:setup")
    page.run("forward_backward.py:backward")
    assert all(p.grad is not None and p.grad.shape == p.shape for p in page["net"].parameters())
    page.run("forward_backward.py:batch")
    assert page["batch"].shape == (1, 1, 32, 32)


def test_loss_grad_fn_chain(page):
    page.run("loss.py:loss")
    loss, net = page["loss"], page["net"]
    assert loss.grad_fn.name() == "MseLossBackward0"
    addmm = loss.grad_fn.next_functions[0][0]
    assert addmm.name() == "AddmmBackward0"
    names = [node.name() for node, _ in addmm.next_functions]
    assert names == ["torch::autograd::AccumulateGrad", "ReluBackward0", "TBackward0"]
    # the tutorial's old "# ReLU" comment: next_functions[0][0] twice is fc3's bias
    assert addmm.next_functions[0][0].variable is net.fc3.bias
    assert addmm.next_functions[2][0].next_functions[0][0].variable is net.fc3.weight
    page.run("loss.py:walk")
    page.run("loss.py:inputs")


def test_grads_none_before_backward_and_set_after(page):
    page.run("backprop.py:setup")
    out = page.run("backprop.py:backward")
    assert out.splitlines()[1] == "None"
    bias_grad = page["net"].conv1.bias.grad
    assert bias_grad is not None and bias_grad.shape == (6,) and bias_grad.abs().sum() > 0
    page.run("backprop.py:accumulate")
    assert page["net"].conv1.bias.grad is None  # zero_grad sets to None


def test_gradients_accumulate_to_exactly_twice(page):
    page.run("backprop.py:setup")
    page.run("backprop.py:backward")
    first = page["net"].conv1.bias.grad.clone()
    page["loss"].backward(retain_graph=True)
    assert torch.allclose(page["net"].conv1.bias.grad, 2 * first)


def test_manual_sgd_moves_each_parameter_by_lr_times_grad(page):
    page.run("update.py:setup")
    net = page["net"]
    page.run("update.py:manual")
    # the snippet's loop has run; recompute what it must have done from a fresh copy of the setup
    check = PageSteps()
    check.run("update.py:setup")
    before = {n: p.detach().clone() for n, p in check["net"].named_parameters()}
    check["net"].zero_grad()
    check["criterion"](check["net"](check["input"]), check["target"]).backward()
    for name, p in net.named_parameters():
        grad = dict(check["net"].named_parameters())[name].grad
        assert torch.equal(p.detach(), before[name] - grad * 0.01), name


def test_one_optimizer_step_equals_the_manual_update(page):
    import copy

    page.run("update.py:setup")
    page.run("update.py:manual")
    manual_net = copy.deepcopy(page["net"])
    page.run("update.py:optim")
    net = page["net"]
    for (name, p), (_, m) in zip(net.named_parameters(), manual_net.named_parameters()):
        # the optimizer applied p.grad (computed in the optim cell) to the state manual_net holds
        expected = m.detach() - p.grad * 0.01
        # SGD adds grad * -lr in one fused step, the loop subtracts grad * lr: equal up to one float32 rounding
        eps = torch.finfo(torch.float32).eps
        torch.testing.assert_close(p.detach(), expected, rtol=eps, atol=eps * expected.abs().max().item(), msg=name)
    lines = page.run("update.py:optim")  # a second step keeps lowering the loss
    first, after = (float(line[7:13]) for line in lines.splitlines()[:2])
    assert after < first


def test_device_snippet_picks_an_available_device(page):
    out = page.run("gpu.py:device")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert out.splitlines()[0] == expected
    assert page["out"].device.type == expected


def test_zero_grad_set_to_none_false_gives_zeros(page):
    out = page.run("versions.py:names")
    assert out.splitlines()[:3] == ["MseLossBackward0", "AddmmBackward0", "None"]
    assert torch.equal(page["net"].fc3.bias.grad, torch.zeros(10))
