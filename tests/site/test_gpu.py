"""Each snippet that computes runs on CUDA and matches its CPU run.

Random numbers are drawn on the CPU generator and moved to the device, so both runs start from the same
weights and inputs; everything after that (conv, matmul, pooling, autograd, SGD) runs on the device.
Tolerance: rtol 1e-4, atol 1e-5 (float32; TF32 is switched off so matmuls stay full float32).
Set GPU_TEST_DEVICE=cpu to exercise this machinery on a machine without CUDA.
"""

from __future__ import annotations

import os
import runpy
import sys

import pytest
import torch
from torch.overrides import TorchFunctionMode

from support import SNIPPETS

DEVICE = os.environ.get("GPU_TEST_DEVICE", "cuda")
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(
        DEVICE == "cuda" and not torch.cuda.is_available(),
        reason="needs CUDA: torch.cuda.is_available() is False on this machine",
    ),
]
COMPUTING = sorted(p.name for p in SNIPPETS.glob("*.py") if p.name != "lenet.py")
FACTORIES = {
    torch.randn,
    torch.rand,
    torch.randint,
    torch.randperm,
    torch.zeros,
    torch.ones,
    torch.empty,
    torch.full,
    torch.arange,
    torch.tensor,
}
SAMPLERS = {torch.Tensor.uniform_, torch.Tensor.normal_, torch.Tensor.random_, torch.Tensor.bernoulli_}


class CpuRandomOnDevice(TorchFunctionMode):
    """Creates tensors on the CPU (its generator gives the CPU run's numbers), then moves them to the device."""

    def __init__(self, device):
        super().__init__()
        self.device = torch.device(device)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in FACTORIES:
            kwargs.pop("device", None)
            return func(*args, **kwargs).to(self.device)
        if func in SAMPLERS:
            target, *rest = args
            drawn = func(torch.empty(target.shape, dtype=target.dtype), *rest, **kwargs)
            with torch.no_grad():
                return target.copy_(drawn)
        return func(*args, **kwargs)


def run(name: str, mode=None) -> dict:
    sys.path.insert(0, str(SNIPPETS))
    try:
        if mode is None:
            return runpy.run_path(str(SNIPPETS / name), run_name="__main__")
        with mode:
            return runpy.run_path(str(SNIPPETS / name), run_name="__main__")
    finally:
        sys.path.remove(str(SNIPPETS))


def tensors_of(namespace: dict) -> dict[str, torch.Tensor]:
    """Every tensor a snippet left behind, with each module's parameters and their gradients."""
    found = {}
    for name, value in namespace.items():
        if isinstance(value, torch.Tensor):
            found[name] = value
        elif isinstance(value, torch.nn.Module):
            for pname, p in value.named_parameters():
                found[f"{name}.{pname}"] = p
                if p.grad is not None:
                    found[f"{name}.{pname}.grad"] = p.grad
    return found


@pytest.mark.parametrize("name", COMPUTING)
def test_snippet_on_device_matches_cpu(name, capsys):
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    on_cpu = tensors_of(run(name))
    on_device = tensors_of(run(name, CpuRandomOnDevice(DEVICE)))
    capsys.readouterr()
    assert on_cpu.keys() == on_device.keys()
    for key, expected in on_cpu.items():
        actual = on_device[key]
        if key != "out" or name != "gpu.py":  # gpu.py moves its own tensors to whatever device it finds
            assert actual.device.type == torch.device(DEVICE).type, key
        torch.testing.assert_close(
            actual.detach().cpu(),
            expected.detach(),
            rtol=1e-4,
            atol=1e-5,
            msg=lambda message, key=key: f"{key}: {message}",
        )
