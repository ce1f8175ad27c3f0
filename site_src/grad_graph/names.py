"""Names for the leaves of a graph, taken from a script's variables.

A script or a page session holds its models and tensors in global variables;
those variable names are what the reader knows them by. Duck-typed (anything
with ``named_parameters()`` is a module), so it works on real PyTorch and the
in-browser runtime alike.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

from .walk import Graph, probe


def _is_module(value: Any) -> bool:
    return not isinstance(value, type) and callable(probe(value, "named_parameters"))


def _is_leaf_requiring_grad(value: Any) -> bool:
    return not isinstance(value, type) and probe(value, "requires_grad") is True and probe(value, "grad_fn") is None


def names_from_globals(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """name -> tensor for build_graph's ``params``.

    Every module held in a variable names its parameters with the variable as
    prefix (``fc.weight`` for ``fc = nn.Linear(...)``, ``net.conv1.weight``);
    a leaf tensor that requires grad is named by its variable (``x``). A tensor
    reachable under several names keeps the first, in definition order.
    """
    names: dict[str, Any] = {}
    seen: set[int] = set()

    def add(name: str, tensor: Any) -> None:
        if id(tensor) not in seen:
            seen.add(id(tensor))
            names[name] = tensor

    public = [(name, value) for name, value in namespace.items() if not name.startswith("_")]
    for variable, value in public:
        if _is_module(value):
            for parameter_name, parameter in value.named_parameters():
                add(f"{variable}.{parameter_name}", parameter)
    for variable, value in public:
        if _is_leaf_requiring_grad(value):
            add(variable, value)
    return names


def model_from_globals(namespace: Mapping[str, Any], graph: Graph) -> Any:
    """The module variable whose parameters most of ``graph``'s leaves are, or None.

    ``graph`` is built with ``params=names_from_globals(namespace)``, so a
    parameter's label starts with the variable that holds its module
    (``net.conv1.weight``). Built again with ``module=`` this model, the graph
    has the labels and module clusters an ``autograd-graph`` block with
    ``module: net`` draws (``conv1.weight`` in a box ``conv1``). A tie goes to
    the module whose parameter is nearer the root.
    """
    holders = Counter(node.label.partition(".")[0] for node in graph.nodes if node.label and "." in node.label)
    if not holders:
        return None
    [(variable, _)] = holders.most_common(1)
    return namespace[variable]
