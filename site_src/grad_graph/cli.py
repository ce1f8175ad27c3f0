"""``grad-graph FILE.py --var NAME -o OUT.svg``: draw the autograd graph of a script's tensor.

The script runs with real PyTorch (as ``python FILE.py`` would); afterwards,
or when it calls sys.exit(), the tensor held in its global NAME is drawn. Parameters are named
after the nn.Module variables the script defines: ``fc.weight`` for a module
held in ``fc``, ``net.conv1.weight`` for one held in ``net``; ``--module net``
uses that module's own names instead (``conv1.weight``). Leaf tensors that
require grad are named by their variable. The output format follows the
extension: .svg, .dot or .png. A graph of more than --max-nodes nodes is
summarised (repeated layers folded, then a cut; see summarise.py), and `dot`
gets --timeout seconds to lay it out. The output path is checked before the
script runs; every refusal is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import types
from pathlib import Path

from .summarise import MAX_NODES

FORMATS = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png"}
# How long `dot` may lay a graph out: a graph of a few thousand nodes can take it hours.
TIMEOUT_ENV = "GRAD_GRAPH_DOT_TIMEOUT"
DEFAULT_TIMEOUT = 60.0


class _Refused(Exception):
    """Why grad-graph cannot go on: one line for the reader, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grad-graph",
        description="Run a Python file with PyTorch and draw the autograd graph of one of its tensors.",
    )
    parser.add_argument("file", type=Path, help="the Python script to run")
    parser.add_argument("--var", required=True, help="the global variable holding the tensor, e.g. loss")
    parser.add_argument("-o", "--output", required=True, type=Path, help="OUT.svg, OUT.dot or OUT.png")
    parser.add_argument("--module", help="name parameters by this module's own names (conv1.weight)")
    parser.add_argument("--clusters", action="store_true", help="box each nn.Module's nodes together")
    parser.add_argument("--highlight", default="", help="a next_functions walk from the root to emphasise, e.g. '0 0'")
    parser.add_argument("--title", help="the diagram's title (default: Autograd graph of VAR.grad_fn)")
    parser.add_argument(
        "--max-nodes",
        type=int,
        default=MAX_NODES,
        help="summarise larger graphs: fold repeated layers, then cut (default: %(default)s; 0 draws every node)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help=f"seconds Graphviz's dot may take to lay the graph out (default: ${TIMEOUT_ENV} or {DEFAULT_TIMEOUT:g})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    fmt = FORMATS.get(args.output.suffix.lower())
    if fmt is None:
        parser.error(f"cannot tell the format of {args.output}: use .svg, .dot or .png")
    if not args.file.is_file():
        parser.error(f"{args.file}: no such file")
    try:
        timeout = _timeout(args.timeout)
        _check_writable(args.output)  # before the script runs: a training script can take hours
        namespace, ended = _run_script(args.file)
        drawing = _draw(args, namespace, ended, fmt, timeout)
        _write(args.output, drawing)
    except _Refused as error:
        print(f"grad-graph: {error}", file=sys.stderr)
        return 2
    print(f"grad-graph: wrote {args.output}")
    return 0


def _timeout(option: float | None) -> float | None:
    """--timeout, else $GRAD_GRAPH_DOT_TIMEOUT, else DEFAULT_TIMEOUT; 0 or less: no limit."""
    if option is None:
        text = os.environ.get(TIMEOUT_ENV, "")
        try:
            option = float(text) if text.strip() else DEFAULT_TIMEOUT
        except ValueError:
            raise _Refused(f"${TIMEOUT_ENV} is {text!r}, not a number of seconds") from None
    return option if option > 0 else None


def _check_writable(output: Path) -> None:
    folder = output.parent
    if output.is_dir():
        raise _Refused(f"cannot write {output}: it is a folder")
    if not folder.is_dir():
        raise _Refused(f"cannot write {output}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise _Refused(f"cannot write {output}: permission denied")


def _run_script(file: Path) -> tuple[dict, str | None]:
    """Run ``file`` as ``python FILE`` would; return its globals and how it ended early ("it called
    sys.exit(0)"), or None when it ran to its end.

    Unlike runpy.run_path this keeps the globals when the script ends with sys.exit(): a script may well exit
    after training, with its tensors defined. Any other exception propagates with the script's traceback.
    """
    module = types.ModuleType("__main__")
    module.__file__ = str(file)
    namespace = module.__dict__
    code = compile(file.read_bytes(), str(file), "exec")
    # The script sees itself as __main__ with its own argv and directory, as under `python FILE.py`.
    saved = sys.argv, list(sys.path), sys.modules.get("__main__")
    sys.argv = [str(file)]
    sys.path.insert(0, str(file.resolve().parent))
    sys.modules["__main__"] = module  # pickle and multiprocessing find the script's classes here
    ended = None
    try:
        exec(code, namespace)
    except SystemExit as done:
        ended = "it called sys.exit()" if done.code is None else f"it called sys.exit({done.code!r})"
        # sys.exit(0) is the end of the script; any other code says it failed: say so, but what it left may still
        # be the graph the reader wants.
        if done.code not in (None, 0):
            print(f"grad-graph: {file} stopped early ({ended}); drawing what it left", file=sys.stderr)
    finally:
        sys.argv, sys.path[:] = saved[0], saved[1]
        if saved[2] is not None:
            sys.modules["__main__"] = saved[2]
    return namespace, ended


def _draw(args: argparse.Namespace, namespace: dict, ended: str | None, fmt: str, timeout: float | None) -> str | bytes:
    from . import build_graph, draw, parse_index_path, summarise
    from .graphviz import DotTimeout
    from .names import names_from_globals

    try:
        tensor = _lookup(namespace, args.var, args.file, ended)
        module = _lookup(namespace, args.module, args.file, ended) if args.module else None
        highlight = parse_index_path(args.highlight)
        graph = build_graph(tensor, module=module, params=names_from_globals(namespace), name=args.var)
        keep = {node.id for node in graph.follow(highlight)} if highlight else ()
        graph = summarise(graph, args.max_nodes, keep=keep)
        if graph.summary:
            print(f"grad-graph: {graph.summary} (--max-nodes 0 draws every node.)", file=sys.stderr)
        return draw(graph, fmt, clusters=args.clusters, highlight=highlight, title=args.title, timeout=timeout)
    except ValueError as error:
        raise _Refused(str(error)) from None
    except DotTimeout as error:
        raise _Refused(
            f"{error}: write {args.output.with_suffix('.dot')} instead, draw fewer nodes "
            "(--max-nodes), or allow more time (--timeout)"
        ) from None
    except RuntimeError as error:  # dot missing or failing
        raise _Refused(str(error)) from None


def _write(output: Path, drawing: str | bytes) -> None:
    try:
        if isinstance(drawing, str):
            output.write_text(drawing, encoding="utf-8")
        else:
            output.write_bytes(drawing)
    except OSError as error:
        raise _Refused(f"cannot write {output}: {error.strerror or error}") from None


def _lookup(namespace: dict, name: str, file: Path, ended: str | None = None):
    if name not in namespace:
        defined = ", ".join(sorted(key for key in namespace if not key.startswith("_"))) or "nothing"
        early = f"{ended} first; " if ended else ""
        raise ValueError(f"{file} defines no variable {name!r} ({early}it defines: {defined})")
    return namespace[name]


if __name__ == "__main__":
    sys.exit(main())
