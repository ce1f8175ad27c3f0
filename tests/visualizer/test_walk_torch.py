"""The walker on real PyTorch: the tutorial's loss graph, compared with a direct walk of grad_fn.next_functions."""

from collections import Counter

import pytest
import torch
import torch.nn as nn

import grad_graph
from grad_graph.walk import parse_index_path

# The issue's acceptance list for the tutorial's loss; the flatten node is counted apart (its name is torch's choice).
ISSUE_COUNTS = {
    "MseLossBackward0": 1,
    "AddmmBackward0": 3,
    "TBackward0": 3,
    "ReluBackward0": 4,
    "MaxPool2DWithIndicesBackward0": 2,
    "ConvolutionBackward0": 2,
    "AccumulateGrad": 10,
}


def direct_walk(root):
    """Every node reachable from root (by identity) and every non-None next_functions entry."""
    nodes, entries, stack = {id(root): root}, 0, [root]
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is None:
                continue
            entries += 1
            if id(child) not in nodes:
                nodes[id(child)] = child
                stack.append(child)
    return list(nodes.values()), entries


def resolve(root, path):
    node = root
    for index in path:
        node = node.next_functions[index][0]
    return node


@pytest.fixture(scope="module")
def graph(lenet):
    return grad_graph.build_graph(lenet["loss"], module=lenet["net"], name="loss")


def test_node_multiset_is_the_issues_and_torchs(graph, lenet):
    names = Counter(node.name for node in graph.nodes)
    real_nodes, _ = direct_walk(lenet["loss"].grad_fn)
    assert names == Counter(type(node).__name__ for node in real_nodes)
    flatten = set(names) - set(ISSUE_COUNTS)
    assert len(flatten) == 1 and names[flatten.pop()] == 1, names  # ViewBackward0 in 2.13
    assert {name: names[name] for name in ISSUE_COUNTS} == ISSUE_COUNTS
    assert len(graph.nodes) == sum(ISSUE_COUNTS.values()) + 1


def test_every_node_and_edge_is_torchs(graph, lenet):
    root = lenet["loss"].grad_fn
    real_nodes, entries = direct_walk(root)
    resolved = {node.id: resolve(root, node.path) for node in graph.nodes}
    for node in graph.nodes:
        assert type(resolved[node.id]).__name__ == node.name
    assert len({id(n) for n in resolved.values()}) == len(real_nodes) == len(graph.nodes)  # shared nodes once
    for edge in graph.edges:
        child, input_nr = resolved[edge.source].next_functions[edge.index]
        assert child is resolved[edge.target] and input_nr == edge.input_nr
    assert len(graph.edges) == entries
    assert graph.root.path == () and graph.root.id == "n0"
    assert eval(graph.expression(graph.nodes[5]), {"loss": lenet["loss"]}) is resolved["n5"]


def test_leaves_are_labelled_with_the_parameter_names_and_shapes(graph, lenet):
    parameters = dict(lenet["net"].named_parameters())
    leaves = [node for node in graph.nodes if node.is_leaf]
    assert sorted(node.label for node in leaves) == sorted(parameters)
    for node in leaves:
        assert resolve(lenet["loss"].grad_fn, node.path).variable is parameters[node.label]
        assert node.shapes == (tuple(parameters[node.label].shape),)


def test_shapes_are_the_forward_outputs(graph, lenet):
    assert graph.root.shapes == (tuple(lenet["loss"].shape),)
    fc3 = graph.follow([0])[-1]
    assert (fc3.name, fc3.shape) == ("AddmmBackward0", tuple(lenet["output"].shape))
    conv1 = [node for node in graph.nodes if node.name == "ConvolutionBackward0" and node.module == "conv1"]
    assert conv1[0].shape == tuple(lenet["net"].conv1(lenet["input"]).shape)


def test_the_loss_pages_walk_reaches_fc3_bias(graph):
    path = parse_index_path("loss.grad_fn.next_functions[0][0].next_functions[0][0]")
    assert path == parse_index_path("0 0") == parse_index_path("[0, 0]") == (0, 0)
    visited = graph.follow(path)
    assert [node.name for node in visited] == ["MseLossBackward0", "AddmmBackward0", "AccumulateGrad"]
    assert visited[-1].label == "fc3.bias"
    with pytest.raises(ValueError, match=r"fc3\.bias"):
        graph.follow([0, 0, 0, 0])
    with pytest.raises(ValueError, match="cannot read"):
        parse_index_path("next_functions[0]")


def test_modules_cluster_the_ops_that_consume_their_parameters(graph):
    by_module = {}
    for node in graph.nodes:
        by_module.setdefault(node.module, Counter())[node.name] += 1
    for linear in ("fc1", "fc2", "fc3"):
        assert by_module[linear] == Counter({"AddmmBackward0": 1, "TBackward0": 1, "AccumulateGrad": 2})
    for conv in ("conv1", "conv2"):
        assert by_module[conv] == Counter({"ConvolutionBackward0": 1, "AccumulateGrad": 2})
    assert set(by_module[None]) == {
        "MseLossBackward0",
        "ReluBackward0",
        "MaxPool2DWithIndicesBackward0",
        "ViewBackward0",
    }


def test_ids_are_deterministic(lenet):
    first = grad_graph.build_graph(lenet["loss"], module=lenet["net"])
    again = grad_graph.build_graph(lenet["loss"], module=lenet["net"])
    assert first == again
    assert [node.id for node in first.nodes] == [f"n{i}" for i in range(len(first.nodes))]


def test_shared_nodes_appear_once():
    torch.manual_seed(0)
    fc = nn.Linear(3, 3)
    x = torch.randn(2, 3, requires_grad=True)
    y = fc(fc(x)) * x  # fc's parameters feed two Addmm nodes; x feeds two ops
    graph = grad_graph.build_graph(y.sum(), params={"fc.weight": fc.weight, "fc.bias": fc.bias, "x": x})
    labels = Counter(node.label for node in graph.nodes if node.is_leaf)
    assert labels == Counter({"fc.weight": 1, "fc.bias": 1, "x": 1})
    bias = next(node for node in graph.nodes if node.label == "fc.bias")
    assert sum(edge.target == bias.id for edge in graph.edges) == 2


def test_deep_graphs_do_not_hit_the_recursion_limit():
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    graph = grad_graph.build_graph(y, params={"x": x})
    assert len(graph.nodes) == 3001 and graph.nodes[-1].label == "x"


def test_errors_name_the_variable(lenet):
    with pytest.raises(ValueError, match="'input' has no grad_fn"):
        grad_graph.build_graph(lenet["input"], name="input")
    with pytest.raises(ValueError, match="'net' is a Net, not a tensor"):
        grad_graph.build_graph(lenet["net"], name="net")
