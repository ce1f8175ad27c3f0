"""Draw the autograd graph that ``tensor.backward()`` walks.

    >>> import torch, grad_graph
    >>> net = torch.nn.Linear(3, 2)
    >>> loss = net(torch.randn(4, 3)).sum()
    >>> svg = grad_graph.render(loss, module=net, name="loss")          # inline-able SVG text
    >>> dot = grad_graph.render(loss, module=net, format="dot")         # Graphviz source

``build_graph`` walks ``grad_fn.next_functions`` into a plain graph model,
``to_dot`` turns the model into Graphviz DOT, and ``render`` does both and runs
Graphviz's ``dot``. walk, dot and svg are pure Python (no torch import, no
subprocess), so the same code draws graphs of the in-browser runtime inside
Pyodide, where @viz-js/viz renders the DOT.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .dot import format_shape, to_dot
from .svg import inline_svg
from .walk import Edge, Graph, Node, build_graph, parse_index_path

__all__ = [
    "Edge",
    "Graph",
    "Node",
    "build_graph",
    "describe",
    "format_shape",
    "inline_svg",
    "parse_index_path",
    "render",
    "to_dot",
]


def describe(graph: Graph) -> str:
    """A one-paragraph text description of ``graph`` (the SVG's <desc>)."""
    operations = sum(not node.is_leaf for node in graph.nodes)
    parameters = [node.label or node.name for node in graph.nodes if node.is_leaf]
    text = (
        f"Autograd graph of {graph.root_expression}: {len(graph.nodes)} nodes, starting at "
        f"{graph.root.name}; {operations} backward operations and {len(parameters)} leaf tensors"
    )
    if parameters:
        text += " (" + ", ".join(parameters) + ")"
    return text + "."


def render(
    tensor: Any,
    format: str = "svg",
    *,
    module: Any = None,
    params: Mapping[str, Any] | None = None,
    name: str | None = None,
    clusters: bool = False,
    highlight: Iterable[int] | str = (),
    graph_id: str = "autograd",
    title: str | None = None,
) -> str | bytes:
    """Draw the autograd graph of ``tensor``.

    format: "svg" (text, ready to inline in HTML: themed by graph.css, scales with
        its container), "dot" (Graphviz source text) or "png" (bytes).
    module, params, name: see build_graph (parameter names, the variable's name).
    clusters, highlight, graph_id, title: see to_dot; highlight may also be
        written as "0 0" or "next_functions[0][0].next_functions[0][0]".
    """
    if isinstance(highlight, str):
        highlight = parse_index_path(highlight)
    graph = build_graph(tensor, module=module, params=params, name=name)
    title = title or f"Autograd graph of {graph.root_expression}"
    dot_source = to_dot(graph, graph_id=graph_id, title=title, clusters=clusters, highlight=highlight)
    if format == "dot":
        return dot_source
    from .graphviz import run_dot  # subprocess: build time only, never inside Pyodide

    if format == "png":
        return run_dot(dot_source, "png")
    if format == "svg":
        return inline_svg(run_dot(dot_source, "svg"), title=title, description=describe(graph))
    raise ValueError(f"format {format!r} is not one of svg, dot, png")
