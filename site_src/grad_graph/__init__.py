"""Draw the autograd graph that ``tensor.backward()`` walks.

    >>> import torch, grad_graph
    >>> net = torch.nn.Linear(3, 2)
    >>> loss = net(torch.randn(4, 3)).sum()
    >>> svg = grad_graph.render(loss, module=net, name="loss")          # inline-able SVG text
    >>> dot = grad_graph.render(loss, module=net, format="dot")         # Graphviz source

``build_graph`` walks ``grad_fn.next_functions`` into a plain graph model,
``summarise`` shortens a model too large to lay out (repeats folded, then a cut),
``to_dot`` turns the model into Graphviz DOT, ``draw`` runs Graphviz's ``dot`` on
it, and ``render`` does all of these. walk, dot and svg are pure Python (no torch import, no
subprocess), so the same code draws graphs of the in-browser runtime inside
Pyodide, where @viz-js/viz renders the DOT.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .dot import format_shape, to_dot
from .summarise import MAX_NODES, summarise
from .svg import inline_svg
from .walk import Edge, Graph, Node, build_graph, parse_index_path

__all__ = [
    "MAX_NODES",
    "Edge",
    "Graph",
    "Node",
    "build_graph",
    "describe",
    "draw",
    "format_shape",
    "inline_svg",
    "parse_index_path",
    "render",
    "summarise",
    "to_dot",
]


def describe(graph: Graph) -> str:
    """A one-paragraph text description of ``graph`` (the SVG's <desc>)."""
    operations = sum(not node.is_leaf and not node.folded for node in graph.nodes)
    parameters = [node.label or node.name for node in graph.nodes if node.is_leaf]
    text = (
        f"Autograd graph of {graph.root_expression}: {len(graph.nodes)} nodes, starting at "
        f"{graph.root.name}; {operations} backward operations and {len(parameters)} leaf tensors"
    )
    if parameters:
        text += " (" + ", ".join(parameters) + ")"
    return text + "." + (f" {graph.summary}" if graph.summary else "")


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
    max_nodes: int = MAX_NODES,
    timeout: float | None = None,
) -> str | bytes:
    """Draw the autograd graph of ``tensor``.

    format: "svg" (text, ready to inline in HTML: themed by graph.css, scales with
        its container), "dot" (Graphviz source text) or "png" (bytes).
    module, params, name: see build_graph (parameter names, the variable's name).
    clusters, highlight, graph_id, title: see to_dot; highlight may also be
        written as "0 0" or "next_functions[0][0].next_functions[0][0]".
    max_nodes: a larger graph is summarised (see summarise); 0 draws it whole.
    timeout: seconds `dot` may take (graphviz.DotTimeout past them); None: no limit.
    """
    if isinstance(highlight, str):
        highlight = parse_index_path(highlight)
    graph = build_graph(tensor, module=module, params=params, name=name)
    keep = {node.id for node in graph.follow(highlight)} if highlight else ()
    graph = summarise(graph, max_nodes, keep=keep)
    return draw(graph, format, clusters=clusters, highlight=highlight, graph_id=graph_id, title=title, timeout=timeout)


def draw(
    graph: Graph,
    format: str = "svg",
    *,
    clusters: bool = False,
    highlight: Iterable[int] = (),
    graph_id: str = "autograd",
    title: str | None = None,
    timeout: float | None = None,
) -> str | bytes:
    """Draw ``graph`` as it is (summarise it first if it may be large); arguments as for render."""
    if format not in ("svg", "dot", "png"):
        raise ValueError(f"format {format!r} is not one of svg, dot, png")
    title = title or f"Autograd graph of {graph.root_expression}"
    dot_source = to_dot(graph, graph_id=graph_id, title=title, clusters=clusters, highlight=highlight, max_nodes=0)
    if format == "dot":
        return dot_source
    from .graphviz import run_dot  # subprocess: build time only, never inside Pyodide

    if format == "png":
        return run_dot(dot_source, "png", timeout=timeout)
    return inline_svg(run_dot(dot_source, "svg", timeout=timeout), title=title, description=describe(graph))
