"""Run inside Pyodide by test_pyodide.py: grad_graph's pure modules walk the runtime's LeNet loss there.

Prints one JSON object: the graph model and the DOT, as the page's "Show graph" would compute them.
"""

import dataclasses
import json
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "site_src"))  # the host folder is mounted at the same path

import grad_graph  # noqa: E402
from grad_graph.names import model_from_globals, names_from_globals  # noqa: E402

namespace = runpy.run_path(str(HERE / "lenet_loss.py"))
# As the runner's graph_dot does: the page's variables name the leaves, and the model among them gives the clusters.
params = names_from_globals(namespace)
model = model_from_globals(namespace, grad_graph.build_graph(namespace["loss"], params=params, name="loss"))
graph = grad_graph.build_graph(namespace["loss"], module=model, params=params, name="loss")
dot = grad_graph.to_dot(graph, graph_id="live", clusters=True, highlight=(0, 0))
# What Graphviz (@viz-js/viz) writes for one node with a tooltip; the worker may theme it as the build does.
drawn = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="62pt" height="44pt" '
    'viewBox="0 0 62 44"><g id="live" class="graph"><title>g</title>'
    '<g id="live-n0" class="node ag-node"><title>n0</title>'
    '<g id="a_live-n0"><a xlink:title="loss.grad_fn"><path fill="#ffffff" stroke="#555555" d="M0,0"/>'
    '<text fill="#222222">MseLossBackward0</text></a></g></g></g></svg>'
)
themed = grad_graph.inline_svg(drawn, title="caption", description=grad_graph.describe(graph))
print(
    json.dumps(
        {
            "graph": dataclasses.asdict(graph),
            "dot": dot,
            "themed": themed,
            "graphviz_loaded": "grad_graph.graphviz" in sys.modules,
        }
    )
)
