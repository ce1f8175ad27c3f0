"""Shorten a graph too large to lay out quickly into one that says what it left out.

Graphviz's layout time grows faster than the node count (a layer applied many
times, whose shared weights draw long edges, took dot 4 s at 300 nodes and
minutes at 800), and a drawing of hundreds of nodes is unreadable anyway.
Large autograd graphs are mostly repetition: a loop body or a stack of
identical layers. So, past ``max_nodes``:

1. Fold runs of repeated structure. The graph's longest chain of operations
   (its spine: the loop or the stack of layers) is cut into segments, one per
   spine node with the side nodes only it reaches (a Linear's TBackward0 and
   parameters). Three or more consecutive repeats of the same segments (same
   node names and shapes) keep their first and last repeat; the ones between
   become one placeholder node, "× 198".
2. If that is still too many, cut: keep the nodes nearest the root (ids are
   breadth-first, where backward() starts) and one placeholder for the rest.

The result is an ordinary Graph with ``summary`` saying what was done; its
placeholders have ``folded`` > 0. Pure standard library (runs inside Pyodide).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from .walk import Edge, Graph, Node

# Measured with @viz-js/viz in Chromium and with dot (issue 14): graphs of 150 nodes lay out in under half a
# second even with the long edges of shared weights, twice that can take seconds.
MAX_NODES = 150
MIN_REPEATS = 3  # fewer than that saves too little to be worth a placeholder
MAX_PERIOD = 8  # segments in one repeated block (a loop body of up to 8 operations)
RUNS_NAMED = 3  # runs the summary names; the rest are counted


@dataclass(frozen=True)
class _Run:
    """Segments start, start + period, ... repeated ``repeats`` times."""

    start: int
    period: int
    repeats: int


def summarise(graph: Graph, max_nodes: int = MAX_NODES, keep: Iterable[str] = ()) -> Graph:
    """``graph`` itself when it has at most ``max_nodes`` nodes (or max_nodes <= 0), else a summarised copy.

    keep: ids of nodes that must stay (a highlighted walk); folding and the cut
        go around them.
    """
    if max_nodes <= 0 or len(graph.nodes) <= max_nodes:
        return graph
    keep = set(keep)
    folded, notes = _fold_repeats(graph, keep)
    if len(folded.nodes) > max_nodes:
        folded, note = _cut(folded, max_nodes, keep)
        notes += [note] if note else []
    if not notes:  # nothing repeats and everything is kept: the graph as it is
        return graph
    shown = sum(not node.folded for node in folded.nodes)
    summary = f"Graph summarised: {len(graph.nodes)} nodes, showing {shown}; " + "; ".join(notes) + "."
    return replace(folded, summary=summary)


def _children(graph: Graph) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {node.id: [] for node in graph.nodes}
    for edge in sorted(graph.edges, key=lambda edge: edge.index):
        children[edge.source].append(edge.target)
    return children


def _heights(graph: Graph, children: dict[str, list[str]]) -> dict[str, int]:
    """Longest run of edges below each node; iterative, as chains can be thousands deep."""
    height: dict[str, int] = {}
    for start in graph.nodes:
        stack = [start.id]
        while stack:
            node = stack[-1]
            pending = [child for child in children[node] if child not in height]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            height[node] = max((height[child] + 1 for child in children[node]), default=0)
    return height


def _spine(graph: Graph, children: dict[str, list[str]]) -> list[str]:
    """The longest chain from the root: a loop or a stack of layers runs along it."""
    height = _heights(graph, children)
    spine = [graph.root.id]
    while children[spine[-1]]:
        spine.append(max(children[spine[-1]], key=lambda child: height[child]))  # first of the tallest
    return spine


def _segments(graph: Graph, children: dict[str, list[str]], spine: list[str]) -> list[list[str]]:
    """For each spine node, itself and the side nodes that no spine node above it reaches."""
    on_spine = set(spine)
    owner: dict[str, int] = {}
    segments = []
    for number, head in enumerate(spine):
        members, stack = [head], [head]
        while stack:
            for child in children[stack.pop()]:
                if child not in on_spine and child not in owner:
                    owner[child] = number
                    members.append(child)
                    stack.append(child)
        segments.append(members)
    return segments


def _signature(graph: Graph, children: dict[str, list[str]], members: list[str], keep: set[str]) -> object:
    """What makes two segments repeats of each other: node names and shapes, and how many edges leave them
    (to a shared weight, say). Labels differ from layer to layer (net.0.weight, net.1.weight) and are left out."""
    if keep.intersection(members):
        return object()  # equal to no other: a kept node is never folded
    inside = set(members)
    nodes = sorted((graph.node(member).name, graph.node(member).shapes) for member in members[1:])
    leaving = sum(child not in inside for member in members for child in children[member])
    head = graph.node(members[0])
    return head.name, head.shapes, tuple(nodes), leaving


def _find_runs(signatures: list[object]) -> list[_Run]:
    """Maximal repeats of blocks of up to MAX_PERIOD segments, left to right, longest cover first."""
    runs, start = [], 0
    while start < len(signatures):
        best = None
        for period in range(1, MAX_PERIOD + 1):
            block = signatures[start : start + period]
            repeats = 1
            while signatures[start + repeats * period : start + (repeats + 1) * period] == block:
                repeats += 1
            if repeats >= MIN_REPEATS and (best is None or repeats * period > best.repeats * best.period):
                best = _Run(start, period, repeats)
        if best:
            runs.append(best)
            start += best.period * best.repeats
        else:
            start += 1
    return runs


def _fold_repeats(graph: Graph, keep: set[str]) -> tuple[Graph, list[str]]:
    children = _children(graph)
    spine = _spine(graph, children)
    segments = _segments(graph, children, spine)
    signatures = [_signature(graph, children, members, keep) for members in segments]
    placeholder_of: dict[str, Node] = {}
    notes = []
    for number, run in enumerate(_find_runs(signatures)):
        # The first and the last repeat stay, so the reader sees where the run starts and ends.
        hidden = [
            member
            for segment in segments[run.start + run.period : run.start + (run.repeats - 1) * run.period]
            for member in segment
        ]
        pattern = " → ".join(graph.node(segments[run.start + i][0]).name for i in range(run.period))
        first = graph.node(hidden[0])
        placeholder = Node(
            f"fold{number}", pattern, first.shapes, first.path, f"× {run.repeats - 2}", folded=len(hidden)
        )
        placeholder_of.update((member, placeholder) for member in hidden)
        notes.append(f"{run.repeats - 2} repeats of {pattern} folded into one node")
    if len(notes) > RUNS_NAMED:
        notes[RUNS_NAMED:] = [f"{len(notes) - RUNS_NAMED} more repeated runs folded"]
    return _replace_nodes(graph, placeholder_of), notes


def _cut(graph: Graph, max_nodes: int, keep: set[str]) -> tuple[Graph, str | None]:
    """Keep the max_nodes - 1 nodes nearest the root (at least the root, and those in keep); one placeholder
    stands for the rest."""
    kept = {node.id for node in graph.nodes[: max(1, max_nodes - 1)]} | keep
    dropped = [node for node in graph.nodes if node.id not in kept]
    if not dropped:
        return graph, None
    hidden = sum(node.folded or 1 for node in dropped)
    placeholder = Node("more", f"… {hidden} more nodes", (), dropped[0].path, folded=hidden)
    cut = _replace_nodes(graph, {node.id: placeholder for node in dropped})
    return cut, f"the {hidden} nodes farthest from the root left out"


def _replace_nodes(graph: Graph, placeholder_of: dict[str, Node]) -> Graph:
    """``graph`` with each node in placeholder_of replaced by its placeholder, edges redirected, none doubled."""
    nodes: list[Node] = []
    placed: set[str] = set()
    for node in graph.nodes:
        shown = placeholder_of.get(node.id, node)
        if shown.id not in placed:
            placed.add(shown.id)
            nodes.append(shown)
    edges: list[Edge] = []
    linked: set[tuple[str, str]] = set()
    for edge in graph.edges:
        source = placeholder_of.get(edge.source, graph.node(edge.source)).id
        target = placeholder_of.get(edge.target, graph.node(edge.target)).id
        folded = source != edge.source or target != edge.target
        if source == target or (folded and (source, target) in linked):
            continue
        linked.add((source, target))
        edges.append(Edge(source, target, edge.index, edge.input_nr))
    return Graph(tuple(nodes), tuple(edges), graph.root_expression, graph.summary)
