"""Helpers for the runtime-core tests: load the runtime as `btorch` next to real torch, move tensors between them,
compare results and autograd graphs."""

import importlib.util
import sys
from pathlib import Path

import torch

RUNTIME = Path(__file__).resolve().parents[2] / "site_src" / "runtime" / "torch"


def load_runtime():
    if "btorch" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "btorch", RUNTIME / "__init__.py", submodule_search_locations=[str(RUNTIME)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["btorch"] = module
        spec.loader.exec_module(module)
    return sys.modules["btorch"]


def load_runtime_module(filename, name):
    """One module of the runtime that has no relative imports (_random.py, _tensor_str.py), loaded by path under
    `name`: the runtime package is also called torch, and real torch owns that name here."""
    spec = importlib.util.spec_from_file_location(name, RUNTIME / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def to_bt(bt, t, requires_grad=None):
    """A runtime tensor with real tensor t's values, dtype and (by default) requires_grad."""
    out = bt.tensor(t.detach().tolist(), dtype=getattr(bt, str(t.dtype).removeprefix("torch.")))
    if not t.numel():  # tolist() of an empty tensor loses its shape
        out = out.reshape(tuple(t.shape))
    if requires_grad if requires_grad is not None else t.requires_grad:
        out.requires_grad_(True)
    return out


def to_real(t):
    return torch.tensor(t.tolist(), dtype=getattr(torch, t.dtype.name)).reshape(tuple(t.shape))


def assert_same(ours, real, rtol=0.0, atol=0.0):
    """Same shape and dtype, and values equal (or within rtol/atol); NaNs match NaNs."""
    assert tuple(ours.shape) == tuple(real.shape)
    assert ours.dtype.name == str(real.dtype).removeprefix("torch.")
    torch.testing.assert_close(to_real(ours), real.detach(), rtol=rtol, atol=atol, equal_nan=True)


def graph_signature(node):
    """The graph below node as nested (name, [children]), by next_functions (None kept as None)."""
    if node is None:
        return None
    return (node.name(), [(graph_signature(child), nr) for child, nr in node.next_functions])
