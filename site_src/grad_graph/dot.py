"""Graph model -> Graphviz DOT.

The same DOT is rendered by Graphviz's ``dot`` at build time and by
@viz-js/viz (Graphviz compiled to WebAssembly) in the browser, so the look is
decided here. Every node, edge and cluster carries a CSS class and an id
prefixed with ``graph_id``, which survive into the SVG from either renderer:
graph.css themes them, and several diagrams can share one page. The colours
written here are fallbacks for PNG output and SVG shown outside the site.
Pure standard library: this module also runs inside Pyodide.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable

from .summarise import MAX_NODES, summarise
from .walk import Edge, Graph, Node, Shape

# One font name that both renderers measure with the same widths: @viz-js/viz has no fonts and sizes text with
# the metrics it has built in for Arial and Helvetica (a list such as "Helvetica,Arial,sans-serif" falls back to
# its Times metrics, narrower than any sans-serif a browser draws), and dot asks fontconfig, which gives Arial
# or its metric twin Liberation Sans (for "Helvetica", Debian's gives DejaVu Sans, 10 % wider). graph.css draws
# the text in the same family.
FONT = "Arial"
_SAFE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def format_shape(shape: Shape) -> str:
    """torch.Size's spelling without the wrapper: [1, 16, 5, 5]; [] for a scalar."""
    return "[" + ", ".join(str(size) for size in shape) + "]"


def _shapes_text(node: Node) -> str:
    return " ".join(format_shape(shape) for shape in node.shapes)


# Control characters and lone surrogates (a variable named "a\x00b"): Graphviz's parser stops at a NUL and
# rejects the others in HTML labels, and a surrogate cannot be encoded for `dot` at all.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Graphviz refuses HTML strings over 16384 characters; a tooltip of kilobytes in every node made the DOT of a
# 2002-node graph 4.7 MB. Nothing a reader reads in a node or a tooltip needs more than this.
MAX_TEXT = 300


def _printable(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` with newlines as spaces, other control characters as Python writes them (a\\x00b), and at most
    ``limit`` characters (an ellipsis marks the cut)."""
    text = _UNPRINTABLE.sub(_escape_character, text.replace("\n", " "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape_character(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _quote(text: str) -> str:
    return '"' + _printable(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html(text: str, limit: int = MAX_TEXT) -> str:
    """Text for an HTML-like label."""
    return html.escape(_printable(text, limit))


class _HtmlLabel(str):
    """A Graphviz HTML-like label, written between <...> instead of quotes."""


def _attributes(attributes: dict[str, str]) -> str:
    parts = []
    for key, value in attributes.items():
        rendered = f"<{value}>" if isinstance(value, _HtmlLabel) else _quote(value)
        parts.append(f"{key}={rendered}")
    return "[" + ", ".join(parts) + "]"


# A label is one line of a box: a name longer than this would stretch the drawing across the page.
MAX_LABEL = 60


def _label(node: Node) -> _HtmlLabel:
    shapes = _html(_shapes_text(node), MAX_LABEL)
    if node.folded and node.label:  # a folded run: "× 198" over what repeats
        detail = f"{_html(node.name, MAX_LABEL)}<BR/>{node.folded} nodes"
        return _HtmlLabel(f'<B>{_html(node.label)}</B><BR/><FONT POINT-SIZE="9">{detail}</FONT>')
    if node.label:
        detail = _html(f"{node.name} {_shapes_text(node)}".strip(), MAX_LABEL)
        return _HtmlLabel(f'<B>{_html(node.label, MAX_LABEL)}</B><BR/><FONT POINT-SIZE="9">{detail}</FONT>')
    if shapes:
        return _HtmlLabel(f'{_html(node.name, MAX_LABEL)}<BR/><FONT POINT-SIZE="9">{shapes}</FONT>')
    return _HtmlLabel(_html(node.name, MAX_LABEL))


# Past this many steps a path is shown as its indices: the Python spelling costs ~20
# characters a step, in every node of a deep graph (an SVG of megabytes).
MAX_EXPRESSION_STEPS = 16


def _where(graph: Graph, node: Node) -> str:
    """How the root reaches ``node``: the Python for short paths, the indices for long ones."""
    if len(node.path) <= MAX_EXPRESSION_STEPS:
        return graph.expression(node)
    indices = [str(index) for index in node.path]
    if len(indices) > 2 * MAX_EXPRESSION_STEPS:  # the ends say where the walk starts and arrives; ~2 bytes a step
        indices[MAX_EXPRESSION_STEPS:-MAX_EXPRESSION_STEPS] = ["…"]
    return f"{graph.root_expression} then next_functions indices {' '.join(indices)} ({len(node.path)} steps)"


def _tooltip(graph: Graph, node: Node) -> str:
    if node.folded and node.label:
        return f"{node.label} {node.name}: {node.folded} nodes not drawn, the first at {_where(graph, node)}"
    if node.folded:
        return f"{node.name} not drawn, the first at {_where(graph, node)}"
    return " · ".join(filter(None, (_where(graph, node), node.label or node.name, _shapes_text(node))))


def _kind(node: Node) -> str:
    if node.folded:
        return "ag-folded"
    if not node.is_leaf:
        return "ag-op"
    return "ag-param" if node.label else "ag-leaf"


# Fallback colours (PNG, SVG outside the site); graph.css overrides them on the page.
GRAPH_STYLE = {
    # nslimit bounds the network-simplex passes that place nodes: a leaf shared by many
    # layers (an nn.Linear applied 50 times) turns into thousands of long-edge points,
    # which took dot minutes; small graphs finish well inside the bound, unchanged.
    "rankdir": "TB",
    "ordering": "out",
    "nodesep": "0.25",
    "ranksep": "0.35",
    "nslimit": "2",
    "fontname": FONT,
    "fontsize": "10",
    "bgcolor": "transparent",
    "class": "ag-graph",
}
NODE_STYLE = {
    "shape": "box",
    "style": "rounded,filled",
    "fontname": FONT,
    "fontsize": "11",
    "height": "0.3",
    "margin": "0.12,0.05",
    "color": "#555555",
    "fillcolor": "#ffffff",
    "fontcolor": "#222222",
}
EDGE_STYLE = {"fontname": FONT, "fontsize": "9", "arrowsize": "0.6", "color": "#777777", "fontcolor": "#555555"}
CLUSTER_STYLE = {"style": "rounded,dashed", "color": "#999999", "fontcolor": "#555555", "class": "ag-cluster"}
ON_PATH_STYLE = {"penwidth": "2.5", "color": "#e65100"}
PARAMETER_STYLE = {"fillcolor": "#e3f2fd"}
FOLDED_STYLE = {"style": "rounded,dashed,filled"}  # a placeholder for nodes not drawn


def to_dot(
    graph: Graph,
    *,
    graph_id: str = "autograd",
    title: str | None = None,
    clusters: bool = False,
    highlight: Iterable[int] = (),
    rankdir: str = "TB",
    max_nodes: int = MAX_NODES,
) -> str:
    """DOT source for ``graph``.

    graph_id: prefix of every id in the output (letters, digits, '-', '_'); give
        each diagram on a page its own.
    title: the graph's name, which Graphviz writes as the SVG's <title>.
    clusters: box the nodes of each nn.Module (Node.module) together.
    highlight: next_functions indices from the root; the nodes and edges of that
        walk get the class "ag-on-path" (ValueError if the walk does not exist).
    rankdir: "TB" puts the root (the loss) on top, as backward() starts there.
    max_nodes: a larger graph is summarised first (summarise.py: repeats folded,
        then a cut); the DOT's first line is then a comment "// summary: ..."
        that says how (the page's runner shows it under the drawing). 0: never.
    """
    if not _SAFE_ID.match(graph_id):
        raise ValueError(f"graph_id {graph_id!r} must start with a letter and hold only letters, digits, '-', '_'")
    path = _Path.follow(graph, tuple(highlight))
    graph = summarise(graph, max_nodes, keep=path.nodes)
    lines = _header_lines(graph, graph_id, title or f"Autograd graph of {graph.root_expression}", rankdir)
    if clusters:
        lines += _cluster_lines(graph, graph_id)
    lines += [_node_line(graph, node, graph_id, path) for node in graph.nodes]
    lines += _edge_lines(graph, graph_id, path, clusters)
    lines.append("}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Path:
    """The highlighted walk: the ids of its nodes and its edges as (source, index, target)."""

    nodes: frozenset[str] = frozenset()
    edges: frozenset[tuple[str, int, str]] = frozenset()

    @classmethod
    def follow(cls, graph: Graph, highlight: tuple[int, ...]) -> _Path:
        """The walk ``highlight`` takes from the root (ValueError if it does not exist); empty for ()."""
        if not highlight:
            return cls()
        on_path = graph.follow(highlight)
        return cls(
            frozenset(node.id for node in on_path),
            frozenset((a.id, step, b.id) for a, step, b in zip(on_path, highlight, on_path[1:])),
        )


def _header_lines(graph: Graph, graph_id: str, title: str, rankdir: str) -> list[str]:
    """The summary comment (for a summarised graph), the digraph's opening and the default styles."""
    lines = [f"// summary: {_printable(graph.summary, 1000)}"] if graph.summary else []
    return lines + [
        f"digraph {_quote(title)} {{",
        f"  graph {_attributes({'id': graph_id, **GRAPH_STYLE, 'rankdir': rankdir})};",
        f"  node {_attributes(NODE_STYLE)};",
        f"  edge {_attributes(EDGE_STYLE)};",
    ]


def _cluster_lines(graph: Graph, graph_id: str) -> list[str]:
    """One subgraph per nn.Module, in the order its first node appears, boxing the nodes it owns."""
    members: dict[str, list[str]] = {}
    for node in graph.nodes:
        if node.module:
            members.setdefault(node.module, []).append(node.id)
    lines = []
    for index, (module, node_ids) in enumerate(members.items()):
        cluster = _attributes({"id": f"{graph_id}-cluster{index}", "label": module, **CLUSTER_STYLE})
        lines.append(f"  subgraph cluster_{index} {{ graph {cluster}; {'; '.join(node_ids)}; }}")
    return lines


def _node_line(graph: Graph, node: Node, graph_id: str, path: _Path) -> str:
    classes = ["ag-node", _kind(node)]
    if node is graph.root:
        classes.append("ag-root")
    style = FOLDED_STYLE if node.folded else PARAMETER_STYLE if node.label else {}
    if node.id in path.nodes:
        classes.append("ag-on-path")
        style = ON_PATH_STYLE
    attributes = {
        "id": f"{graph_id}-{node.id}",
        "class": " ".join(classes),
        "label": _label(node),
        "tooltip": _tooltip(graph, node),
        **style,
    }
    return f"  {node.id} {_attributes(attributes)};"


def _edge_lines(graph: Graph, graph_id: str, path: _Path, clusters: bool) -> list[str]:
    fanout: dict[str, int] = {}
    for edge in graph.edges:
        fanout[edge.source] = fanout.get(edge.source, 0) + 1
    depth_inside = _depth_inside_modules(graph) if clusters else {}
    lines = []
    for number, edge in enumerate(graph.edges):
        source, target = graph.node(edge.source), graph.node(edge.target)
        attributes = _edge_attributes(edge, source, target, f"{graph_id}-e{number}", path)
        # The index tells neighbours apart; on a node's only edge it would be noise. A tail
        # label sits where the edge leaves its node and, unlike a label, adds no ranks.
        if (fanout[edge.source] > 1 or edge.index) and not (source.folded or target.folded):
            attributes["taillabel"] = str(edge.index)
        # Heavy op-to-op edges keep the chain of operations straight; leaves hang beside it.
        if not target.is_leaf:
            attributes["weight"] = "8"
        # An edge leaving a module's box starts below the box, so the chain runs on under it
        # instead of stepping sideways past every box.
        if clusters and source.module and target.module != source.module:
            attributes["minlen"] = str(depth_inside[source.id] + 1)
        lines.append(f"  {edge.source} -> {edge.target} {_attributes(attributes)};")
    return lines


def _edge_attributes(edge: Edge, source: Node, target: Node, edge_id: str, path: _Path) -> dict[str, str]:
    """An edge's id, class and tooltip: dashed where a placeholder stands for several edges, styled on the path."""
    attributes = {
        "id": edge_id,
        "class": "ag-edge",
        "tooltip": f"{source.label or source.name}.next_functions[{edge.index}] → {target.label or target.name}",
    }
    if source.folded or target.folded:  # stands for several edges: no single index to show
        attributes["tooltip"] = f"{source.label or source.name} → {target.label or target.name}"
        attributes["style"] = "dashed"
    if (edge.source, edge.index, edge.target) in path.edges:
        attributes["class"] += " ag-on-path"
        attributes.update(ON_PATH_STYLE)
    return attributes


def _depth_inside_modules(graph: Graph) -> dict[str, int]:
    """For each node, the longest run of edges from it that stays inside its module.

    Iterative: a module applied many times in a row (fc(fc(fc(x)))) makes long runs.
    """
    inside: dict[str, list[str]] = {}
    for edge in graph.edges:
        source, target = graph.node(edge.source), graph.node(edge.target)
        if source.module and source.module == target.module:
            inside.setdefault(edge.source, []).append(edge.target)
    depth: dict[str, int] = {}
    for start in graph.nodes:
        stack = [start.id]
        while stack:
            node = stack[-1]
            pending = [child for child in inside.get(node, ()) if child not in depth]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            depth[node] = max((depth[child] + 1 for child in inside.get(node, ())), default=0)
    return depth
