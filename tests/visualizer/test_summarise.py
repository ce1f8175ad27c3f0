"""Graphs too large to lay out are summarised (repeats folded, then a cut), and any name reaches Graphviz intact:
control characters escaped, long text clipped (issue 14)."""

import subprocess

import pytest
import torch
from torch import nn

import grad_graph
from grad_graph.dot import MAX_TEXT


def chain_loss(steps):
    """`y = y * 1.01 + 0.1` `steps` times, summed: 2 * steps + 2 nodes, a loop body of two operations."""
    x = torch.ones(3, requires_grad=True)
    y = x
    for _ in range(steps):
        y = y * 1.01 + 0.1
    return y.sum()


def chain(steps):
    return grad_graph.build_graph(chain_loss(steps), name="loss")


def test_a_small_graph_is_left_as_it_is():
    graph = chain(50)
    assert grad_graph.summarise(graph) is graph
    assert "// summary" not in grad_graph.to_dot(graph)


def test_a_loop_folds_into_one_node_between_its_first_and_last_repeat():
    graph = chain(400)
    summary = grad_graph.summarise(graph)
    assert [node.name for node in summary.nodes] == [
        "SumBackward0",
        "AddBackward0",
        "MulBackward0",
        "AddBackward0 → MulBackward0",
        "AddBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]
    folded = summary.nodes[3]
    assert (folded.label, folded.folded) == ("× 398", 796)
    assert summary.summary == (
        "Graph summarised: 802 nodes, showing 6; 398 repeats of AddBackward0 → MulBackward0 folded into one node."
    )
    # Still one chain from the root to x.
    assert [(edge.source, edge.target) for edge in summary.edges] == [
        (a.id, b.id) for a, b in zip(summary.nodes, summary.nodes[1:])
    ]


def test_a_stack_of_identical_layers_keeps_its_first_and_last_layer_and_their_names():
    net = nn.Sequential(*[nn.Linear(4, 4) for _ in range(200)])
    graph = grad_graph.build_graph(net(torch.ones(2, 4)).sum(), module=net, name="loss")
    summary = grad_graph.summarise(graph)
    assert len(graph.nodes) == 801 and len(summary.nodes) <= 15
    labels = {node.label for node in summary.nodes if node.is_leaf}
    assert {"0.weight", "0.bias", "199.weight", "199.bias"} <= labels
    assert "× 197" in {node.label for node in summary.nodes if node.folded}


def test_a_layer_applied_many_times_keeps_one_edge_to_its_shared_weights():
    fc = nn.Linear(4, 4)
    x = torch.ones(2, 4)
    for _ in range(200):
        x = torch.relu(fc(x))
    graph = grad_graph.build_graph(x.sum(), module=fc, name="loss")
    summary = grad_graph.summarise(graph)
    weight = next(node for node in summary.nodes if node.label == "weight")
    [folded] = [node for node in summary.nodes if node.folded]
    assert sum((edge.source, edge.target) == (folded.id, weight.id) for edge in summary.edges) == 1
    assert len(summary.nodes) < 20


def test_what_does_not_repeat_is_cut_at_the_limit_with_one_node_for_the_rest():
    leaves = [torch.ones(size, requires_grad=True) for size in range(1, 300)]
    total = leaves[0].sum()
    for leaf in leaves[1:]:
        total = total + leaf.exp().sum()  # each ExpBackward0 has its own shape: nothing repeats
    graph = grad_graph.build_graph(total, name="loss")
    deepest = graph.nodes[-1]
    summary = grad_graph.summarise(graph, max_nodes=100, keep={deepest.id})
    assert len(summary.nodes) <= 101
    assert deepest in summary.nodes
    [more] = [node for node in summary.nodes if node.id == "more"]
    assert more.name == f"… {more.folded} more nodes"
    assert "nodes farthest from the root left out" in summary.summary
    ids = {node.id for node in summary.nodes}
    assert all(edge.source in ids and edge.target in ids for edge in summary.edges)


def test_the_dot_says_how_it_was_summarised_and_lays_out_quickly():
    dot = grad_graph.to_dot(chain(1000), clusters=True)
    assert dot.startswith("// summary: Graph summarised: 2002 nodes, showing 6; 998 repeats")
    assert len(dot) < 5000
    assert 'class="ag-node ag-folded"' in dot
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=30, check=True)
    assert "× 998" in svg.stdout


def test_max_nodes_zero_draws_every_node():
    assert grad_graph.to_dot(chain(100), max_nodes=0).count("class=\"ag-node") == 202


def test_a_highlighted_walk_is_never_folded():
    graph = chain(100)
    walk = (0,) * 150  # deep into the loop body
    dot = grad_graph.to_dot(graph, highlight=walk)
    assert dot.count("ag-on-path\"") + dot.count("ag-on-path ") >= 150
    assert "// summary" in dot


@pytest.mark.parametrize("name", ["a\x00b", "tab\there", "bell\x07", "del\x7f", "surrogate\ud800"])
def test_control_characters_in_a_name_are_escaped(name):
    x = torch.ones(2, requires_grad=True)
    loss = (x * 2).sum()
    dot = grad_graph.render(loss, "dot", params={name: x}, title=f"graph {name}")
    assert not any(ord(char) < 32 and char != "\n" for char in dot)
    svg = grad_graph.render(loss, params={name: x}, title=f"graph {name}")  # dot accepts it
    assert repr(name)[1:-1].replace("\\t", "\\x09") in svg


def test_long_paths_names_and_tooltips_are_clipped():
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(1000):
        y = y * 1.0
    dot = grad_graph.to_dot(grad_graph.build_graph(y, params={"x" * 1000: x}, name="loss"), max_nodes=0)
    assert max(len(line) for line in dot.splitlines()) < 3 * MAX_TEXT
    assert "(1000 steps)" in dot and "…" in dot


def test_render_summarises_keeps_the_highlighted_walk_and_describes_what_it_left_out():
    svg = grad_graph.render(chain_loss(300), highlight=(0,) * 10, name="loss")
    assert "Graph summarised: 602 nodes" in svg  # in the SVG's <desc>
    assert svg.count("ag-on-path") >= 10


def test_limits_too_small_to_cut_keep_the_root_and_the_kept_nodes():
    graph = chain(100)
    assert grad_graph.summarise(graph, max_nodes=1).root == graph.root
    everything = {node.id for node in graph.nodes}
    assert grad_graph.summarise(graph, max_nodes=1, keep=everything) is graph
