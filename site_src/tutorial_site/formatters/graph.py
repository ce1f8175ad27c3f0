"""The ```autograd-graph``` block: draw a tensor of the page's snippet session.

    ```autograd-graph
    tensor: loss
    module: net
    highlight: next_functions[0][0].next_functions[0][0]
    clusters: true
    caption: The graph loss.backward() walks
    ```

tensor (required): the session variable holding the tensor.
module: a session variable holding an nn.Module whose own parameter names
    label the leaves (conv1.weight); without it, parameters are named after
    the session's module variables (net.conv1.weight).
highlight: a next_functions walk from the root, as indices ("0 0") or as
    Python ("next_functions[0][0].next_functions[0][0]").
clusters: true to box each module's nodes.
caption: the figure caption and the SVG's title.
id: the diagram's id prefix; needed only for two identical blocks on one page.

The figure holds the inline SVG in the viewport that graph.js zooms and pans,
the caption, a line where graph.js shows the clicked node's path, and the DOT
in data-dot for the browser to redraw. The page runner draws a live graph into
the same markup (site_src/runner/src/graph.js), so one stylesheet and one
script serve both.
"""

from __future__ import annotations

import hashlib
import html
from typing import Any

import grad_graph
from grad_graph.names import names_from_globals

from .base import one_line

OPTIONS = {"tensor", "module", "highlight", "clusters", "caption", "id"}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0", ""}


def render(options: dict[str, str], namespace: dict[str, Any]) -> str:
    """The block's HTML; ValueError (prefixed "autograd-graph:") for a bad option or variable."""
    try:
        return _render(options, namespace)
    except ValueError as error:
        raise ValueError(f"autograd-graph: {error}") from None


def live_options(options: dict[str, str]) -> dict[str, Any]:
    """The block's options as the page's live "Show graph" of the same tensor uses them (runner/src/session.py),
    read here as the diagram reads them, so both draw alike."""
    return {
        "tensor": options.get("tensor", "").strip(),
        "module": options.get("module", "").strip() or None,
        "clusters": _flag(options.get("clusters", ""), "clusters"),
        "highlight": list(grad_graph.parse_index_path(options.get("highlight", ""))),
    }


def _render(options: dict[str, str], namespace: dict[str, Any]) -> str:
    unknown = set(options) - OPTIONS
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(OPTIONS))}")
    variable = options.get("tensor", "").strip()
    if not variable:
        raise ValueError("the 'tensor:' option is required (the variable to draw, e.g. loss)")
    tensor = _lookup(namespace, variable, "tensor")
    module_name = options.get("module", "").strip()
    module = _lookup(namespace, module_name, "module") if module_name else None
    clusters = _flag(options.get("clusters", ""), "clusters")
    highlight = grad_graph.parse_index_path(options.get("highlight", ""))
    caption = options.get("caption", "").strip() or f"The autograd graph of {variable}"

    graph = grad_graph.build_graph(tensor, module=module, params=names_from_globals(namespace), name=variable)

    def dot_for(graph_id: str) -> str:
        return grad_graph.to_dot(graph, graph_id=graph_id, title=caption, clusters=clusters, highlight=highlight)

    graph_id = options.get("id", "").strip()
    if not graph_id:
        # Stable across builds; differs for different graphs or options on one page.
        digest = hashlib.sha1(dot_for("ag").encode()).hexdigest()[:8]
        graph_id = f"ag-{variable}-{digest}".replace("_", "-")
    dot_source = dot_for(graph_id)

    from grad_graph.graphviz import run_dot

    svg = grad_graph.inline_svg(run_dot(dot_source, "svg"), title=caption, description=grad_graph.describe(graph))
    return (
        # data-search-exclude: node names, shapes and paths would bury the page's prose in search results.
        f'<figure class="autograd-graph" id="{graph_id}-figure" data-search-exclude'
        f' data-dot="{one_line(dot_source)}">\n'
        f'<div class="ag-viewport">{svg}</div>\n'
        f'<figcaption>{html.escape(caption)}<span class="ag-path" aria-live="polite"></span></figcaption>\n'
        "</figure>"
    )


def _lookup(namespace: dict[str, Any], name: str, option: str) -> Any:
    if name not in namespace:
        raise ValueError(
            f"{option}: the page's snippets define no variable {name!r} "
            "(run the snippet that creates it earlier on the page)"
        )
    return namespace[name]


def _flag(value: str, option: str) -> bool:
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{option}: expected true or false, not {value!r}")
