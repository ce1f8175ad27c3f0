"""Walk a tensor's autograd graph into a plain graph model.

The walk follows ``grad_fn.next_functions`` exactly as ``loss.backward()`` would.
It is duck-typed: a node is anything with ``next_functions`` (a tuple of
``(node or None, input_nr)`` pairs) and ``name()``; an ``AccumulateGrad`` node
also has ``.variable``. Real PyTorch and the in-browser runtime both qualify,
so this module imports neither, nor anything outside the standard library
(it also runs inside Pyodide).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Mapping

Shape = tuple[int, ...]

ACCUMULATE_GRAD = "AccumulateGrad"


@dataclass(frozen=True)
class Node:
    """One autograd node.

    id: "n0", "n1", ... in breadth-first order from the root, next_functions in
        index order (so the same code gives the same ids in any runtime).
    name: the node's class name, e.g. "AddmmBackward0" or "AccumulateGrad".
    shapes: the shape of each output of the forward op this node differentiates
        (one entry for almost every op), or () where the runtime does not say.
    path: the next_functions indices that lead from the root to this node along
        the first breadth-first route (the root's path is ()).
    label: for an AccumulateGrad node, the name of its tensor ("conv1.weight")
        when one was given, else None.
    module: the qualified name of the nn.Module whose parameters this node
        consumes directly ("conv1"), or None; used for clusters.
    folded: 0 for a node of the autograd graph; in a summarised graph (see
        summarise.py), the number of the graph's nodes this placeholder stands
        for (a folded run of repeated layers, or the nodes left out at the cut).
    """

    id: str
    name: str
    shapes: tuple[Shape, ...]
    path: tuple[int, ...]
    label: str | None = None
    module: str | None = None
    folded: int = 0

    @property
    def is_leaf(self) -> bool:
        return self.name == ACCUMULATE_GRAD

    @property
    def shape(self) -> Shape | None:
        """The output shape when the node has exactly one known output."""
        return self.shapes[0] if len(self.shapes) == 1 else None


@dataclass(frozen=True)
class Edge:
    """``source.next_functions[index] == (target, input_nr)``."""

    source: str
    target: str
    index: int
    input_nr: int


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    root_expression: str = "grad_fn"  # how the page reaches the root, e.g. "loss.grad_fn"
    summary: str | None = None  # how summarise() shortened the graph; None for the whole graph

    @property
    def root(self) -> Node:
        return self.nodes[0]

    def node(self, node_id: str) -> Node:
        return self._by_id[node_id]

    @cached_property
    def _by_id(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes}

    def expression(self, node: Node) -> str:
        """The Python expression that reaches ``node``: ``loss.grad_fn.next_functions[0][0]...``."""
        return self.root_expression + "".join(f".next_functions[{i}][0]" for i in node.path)

    def follow(self, path: Iterable[int]) -> tuple[Node, ...]:
        """The nodes visited by ``root.next_functions[i][0]`` for each ``i`` in ``path``, root first.

        Raises ValueError naming the step that does not exist.
        """
        children: dict[str, dict[int, str]] = {}
        for edge in self.edges:
            children.setdefault(edge.source, {})[edge.index] = edge.target
        visited = [self.root]
        for step, index in enumerate(path):
            current = visited[-1]
            target = children.get(current.id, {}).get(index)
            if target is None:
                where = self.expression(current)
                described = f"{current.name} ({current.label})" if current.label else current.name
                raise ValueError(
                    f"highlight path step {step + 1}: {where} is {described}, and its "
                    f"next_functions[{index}] leads to no node (it has "
                    f"{_count_description(children.get(current.id, {}))})"
                )
            visited.append(self.node(target))
        return tuple(visited)


def _count_description(children: Mapping[int, str]) -> str:
    if not children:
        return "no next_functions to follow"
    return "nodes at indices " + ", ".join(str(i) for i in sorted(children))


def probe(obj: Any, name: str) -> Any:
    """``obj.name``, or None where there is no such attribute.

    The in-browser runtime answers a missing public attribute with a
    NotImplementedError that names the API (never a bare AttributeError), so
    duck-typing probes must catch both.
    """
    try:
        return getattr(obj, name)
    except (AttributeError, NotImplementedError):
        return None


def node_name(node: Any) -> str:
    """PyTorch's class name for a node: "AddmmBackward0", "AccumulateGrad".

    ``name()`` is what PyTorch reports for every node (a custom autograd.Function's
    node is a BackwardCFunction by type but named after the Function); C++ nodes
    carry a namespace ("torch::autograd::AccumulateGrad") that the repr drops.
    """
    name = node.name() if callable(probe(node, "name")) else type(node).__name__
    return name.rsplit("::", 1)[-1]


def _variable(node: Any) -> Any:
    """The tensor of an AccumulateGrad node, else None."""
    return probe(node, "variable") if node_name(node) == ACCUMULATE_GRAD else None


def _output_shapes(node: Any) -> tuple[Shape, ...]:
    # Real PyTorch keeps the shape of each incoming gradient (= each forward output)
    # in _input_metadata; an AccumulateGrad's output is its variable.
    metadata = probe(node, "_input_metadata")
    if metadata is not None:
        return tuple(tuple(entry.shape) for entry in metadata)
    variable = _variable(node)
    if variable is not None:
        return (tuple(variable.shape),)
    return ()


def named_tensors(module: Any = None, params: Mapping[str, Any] | None = None) -> dict[int, str]:
    """Map id(tensor) -> name: the module's own parameter names first, then ``params``."""
    names: dict[int, str] = {}
    if module is not None:
        for name, parameter in module.named_parameters():
            names.setdefault(id(parameter), name)
    for name, tensor in (params or {}).items():
        names.setdefault(id(tensor), name)
    return names


def build_graph(
    tensor: Any,
    module: Any = None,
    params: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Graph:
    """Walk ``tensor.grad_fn`` into a :class:`Graph`.

    tensor: a tensor with a grad_fn (real PyTorch or the in-browser runtime), or a
        grad_fn node itself.
    module: an nn.Module whose parameter names label the AccumulateGrad nodes
        ("conv1.weight").
    params: extra name -> tensor mapping for leaves the module does not name.
    name: the variable that holds ``tensor`` ("loss"), used in path expressions.
    """
    root, root_tensor = _root(tensor, name)
    walk = _Walk.breadth_first(root)
    labels = _leaf_labels(walk.ids, named_tensors(module, params))
    modules = _owning_modules(walk.ids, labels)
    nodes = []
    for fn, node_id in walk.ids.items():
        shapes = _output_shapes(fn)
        if not shapes and fn is root and root_tensor is not None:
            shapes = (tuple(root_tensor.shape),)
        nodes.append(Node(node_id, node_name(fn), shapes, walk.paths[fn], labels.get(fn), modules.get(fn)))
    root_expression = f"{name}.grad_fn" if name else "grad_fn"
    return Graph(tuple(nodes), tuple(walk.edges), root_expression)


def _root(tensor: Any, name: str | None) -> tuple[Any, Any]:
    """The node to walk from and the tensor it belongs to (None when ``tensor`` is a node itself).

    Raises ValueError for what is not a tensor and for a tensor without a grad_fn.
    """
    what = f"'{name}'" if name else "the object given"
    if probe(tensor, "next_functions") is not None:
        return tensor, None
    if probe(tensor, "requires_grad") is None:
        raise ValueError(f"{what} is a {type(tensor).__name__}, not a tensor: there is no grad_fn to walk")
    root = tensor.grad_fn
    if root is None:
        raise ValueError(
            f"{what} has no grad_fn: it is a leaf tensor or was computed without "
            "requires_grad, so there is no autograd graph to draw"
        )
    return root, tensor


@dataclass(frozen=True)
class _Walk:
    """The nodes reached from a root: their ids, their index paths from the root, and the edges between them."""

    ids: dict[Any, str]
    paths: dict[Any, tuple[int, ...]]
    edges: list[Edge]

    @classmethod
    def breadth_first(cls, root: Any) -> _Walk:
        """Breadth-first, next_functions in index order: deterministic ids and the shortest index path to each
        node. The dict keeps every node object alive, so the identity of real PyTorch's cached node wrappers
        stays stable."""
        ids: dict[Any, str] = {root: "n0"}
        paths: dict[Any, tuple[int, ...]] = {root: ()}
        edges: list[Edge] = []
        queue = deque([root])
        while queue:
            current = queue.popleft()
            for index, (child, input_nr) in enumerate(current.next_functions):
                if child is None:  # an input that does not require grad
                    continue
                if child not in ids:
                    ids[child] = f"n{len(ids)}"
                    paths[child] = paths[current] + (index,)
                    queue.append(child)
                edges.append(Edge(ids[current], ids[child], index, input_nr))
        return cls(ids, paths, edges)


def _leaf_labels(nodes: Iterable[Any], names: Mapping[int, str]) -> dict[Any, str]:
    """The name of each AccumulateGrad node's tensor, for those ``names`` (id(tensor) -> name) knows."""
    labels = {}
    for fn in nodes:
        variable = _variable(fn)
        if variable is not None and id(variable) in names:
            labels[fn] = names[id(variable)]
    return labels


_NO_GRAD = object()  # marks an input without grad (a None in next_functions) below a node


def _owning_modules(nodes: Iterable[Any], labels: Mapping[Any, str]) -> dict[Any, str]:
    """Which module each node belongs to, for clusters.

    The forward pass is gone by the time we walk, so ownership is inferred:
    a parameter belongs to the module in its qualified name ("conv1.weight" ->
    "conv1"). A child is private to module M when everything below it is M's
    parameters (fc1.weight's TBackward0); a subgraph that also reaches data (an
    input without grad, another module) is not private. An op belongs to M when
    its private children all belong to M: fc1's AddmmBackward0 and conv2's
    ConvolutionBackward0 do, the ReluBackward0 after them does not.
    """
    below: dict[Any, frozenset] = {}  # modules of the leaves below a node; None = unnamed leaf
    owner: dict[Any, str] = {}
    for fn in _post_order(nodes):
        entries = [child for child, _ in fn.next_functions]
        if not entries:
            label = labels.get(fn)
            module = label.rpartition(".")[0] if label and "." in label else None
            below[fn] = frozenset([module])
            if module:
                owner[fn] = module
            continue
        below[fn] = frozenset().union(*(below[child] if child is not None else {_NO_GRAD} for child in entries))
        private = {_private_module(below[child]) for child in entries if child is not None} - {None}
        if len(private) == 1:
            owner[fn] = private.pop()
    return owner


def _private_module(modules: frozenset) -> str | None:
    if len(modules) == 1:
        (module,) = modules
        if isinstance(module, str):
            return module
    return None


def _post_order(nodes: Iterable[Any]) -> list[Any]:
    """Children before parents, iteratively (deep graphs would overflow recursion)."""
    order: list[Any] = []
    done: set[Any] = set()
    for start in nodes:
        if start in done:
            continue
        stack = [(start, iter(start.next_functions))]
        done.add(start)
        while stack:
            fn, children = stack[-1]
            for child, _ in children:
                if child is not None and child not in done:
                    done.add(child)
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(fn)
    return order


_STEP = re.compile(r"next_functions\s*\[\s*(\d+)\s*\]\s*\[\s*0\s*\]")


def parse_index_path(text: str) -> tuple[int, ...]:
    """Read a path written either as indices ("0 2", "0, 2") or as the Python
    the page uses ("loss.grad_fn.next_functions[0][0].next_functions[2][0]")."""
    text = text.strip()
    if "next_functions" in text:
        steps = _STEP.findall(text)
        if not steps or len(steps) != text.count("next_functions"):
            raise ValueError(f"cannot read the path {text!r}: write next_functions[i][0] steps")
        return tuple(int(step) for step in steps)
    try:
        return tuple(int(part) for part in re.split(r"[\s,\[\]]+", text) if part)
    except ValueError:
        raise ValueError(f"cannot read the path {text!r}: write indices such as '0 0'") from None
