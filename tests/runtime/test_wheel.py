"""The runtime wheel the site ships carries bytecode for Pyodide's own Python, and Pyodide imports it as is."""

import json

import pytest

from browser_torch.runners import run_many_in_pyodide

pytestmark = pytest.mark.pyodide

# For every torch module imported: does its .pyc exist, carry this Python's magic number, and still have the
# unchecked-hash flags bytecode.py wrote? A .pyc that Python rejected would have been rewritten with flags 0
# (timestamp-based) on import, or not be there at all.
PROBE = """
import importlib.util, json, os, sys
import torch, torch.nn, torch.nn.functional, torch.optim
modules = {}
for name, module in sorted(sys.modules.items()):
    if name == "torch" or name.startswith("torch."):
        cached = module.__cached__
        header = open(cached, "rb").read(8) if os.path.exists(cached) else b""
        modules[name] = [header[:4] == importlib.util.MAGIC_NUMBER, int.from_bytes(header[4:8], "little")]
print(json.dumps({"version": sys.version_info[:2], "modules": modules}))
"""


def test_every_torch_module_imports_from_the_shipped_bytecode(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    [result] = run_many_in_pyodide([probe], cwd=tmp_path, timeout=300)
    assert result.status == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["version"][0] == 3 and report["version"][1] >= 13  # Pyodide's Python, not the venv's 3.11
    assert len(report["modules"]) > 30
    stale = {name: found for name, found in report["modules"].items() if found != [True, 0b01]}
    assert not stale, f"modules compiled on import instead: {stale}"
