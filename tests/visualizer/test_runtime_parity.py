"""The in-browser runtime's nodes give the same graph model as real PyTorch for the same script.

The script runs in a subprocess with site_src/runtime first on sys.path, so its `import torch` is the runtime
(as `browser-torch run` does); grad_graph walks the result there, as it will inside Pyodide.
"""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import grad_graph

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "site_src" / "runtime"
LENET_SCRIPT = Path(__file__).with_name("lenet_loss.py")
WALK = """
import dataclasses, json, runpy, sys
import grad_graph, torch
assert torch.__file__.startswith(sys.argv[2]), torch.__file__  # the runtime, not real PyTorch
namespace = runpy.run_path(sys.argv[1])
graph = grad_graph.build_graph(namespace["loss"], module=namespace["net"], name="loss")
print(json.dumps(dataclasses.asdict(graph)))
"""

pytestmark = pytest.mark.skipif(
    not (RUNTIME / "torch" / "__init__.py").exists(),
    reason="the in-browser runtime (site_src/runtime/torch) is not there yet",
)


def as_json(graph):
    return json.loads(json.dumps(dataclasses.asdict(graph)))


def test_runtime_draws_the_same_lenet_graph(lenet):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(RUNTIME), str(ROOT / "site_src")])}
    done = subprocess.run(
        [sys.executable, "-c", WALK, str(LENET_SCRIPT), str(RUNTIME)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    in_browser = json.loads(done.stdout)
    real = as_json(grad_graph.build_graph(lenet["loss"], module=lenet["net"], name="loss"))

    # Every node's shapes included: the runtime keeps _input_metadata as PyTorch does.
    assert all(node["shapes"] for node in in_browser["nodes"])
    assert in_browser == real
