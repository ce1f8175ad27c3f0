"""grad_graph inside real Pyodide (under Node.js), on the in-browser runtime: what "Show graph" will draw."""

import dataclasses
import json
from pathlib import Path

import pytest

import grad_graph

HERE = Path(__file__).parent
ROOT = HERE.parents[1]

pytestmark = [
    pytest.mark.pyodide,
    pytest.mark.skipif(
        not (ROOT / "site_src" / "runtime" / "torch" / "__init__.py").exists(),
        reason="the in-browser runtime (site_src/runtime/torch) is not there yet",
    ),
]


def test_pyodide_draws_the_graph_real_torch_draws(lenet):
    from browser_torch.runners import run_many_in_pyodide

    [result] = run_many_in_pyodide([HERE / "graph_in_pyodide.py"], cwd=ROOT, timeout=600)
    assert result.status == 0, result.stderr[-3000:]
    live = json.loads(result.stdout)
    assert not live["graphviz_loaded"]  # only the pure modules: no subprocess inside Pyodide
    assert '<title>loss.grad_fn</title>' in live["themed"] and 'fill="#' not in live["themed"]

    real_graph = grad_graph.build_graph(lenet["loss"], module=lenet["net"], name="loss")
    real = json.loads(json.dumps(dataclasses.asdict(real_graph)))
    # Every node's shapes included: the runtime keeps _input_metadata as PyTorch does, so the page draws the same
    # operation shapes live as at build time.
    assert all(node["shapes"] for node in live["graph"]["nodes"])
    assert live["graph"] == real
    assert live["dot"] == grad_graph.to_dot(real_graph, graph_id="live", clusters=True, highlight=(0, 0))
