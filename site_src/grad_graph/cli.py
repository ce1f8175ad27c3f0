"""``grad-graph FILE.py --var NAME -o OUT.svg``: draw the autograd graph of a script's tensor.

The script runs with real PyTorch (as ``python FILE.py`` would, via runpy);
afterwards the tensor held in its global NAME is drawn. Parameters are named
after the nn.Module variables the script defines: ``fc.weight`` for a module
held in ``fc``, ``net.conv1.weight`` for one held in ``net``; ``--module net``
uses that module's own names instead (``conv1.weight``). Leaf tensors that
require grad are named by their variable. The output format follows the
extension: .svg, .dot or .png.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

FORMATS = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png"}


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
    parser.add_argument(
        "--highlight", default="", help="a next_functions walk from the root to emphasise, e.g. '0 0'"
    )
    parser.add_argument("--title", help="the diagram's title (default: Autograd graph of VAR.grad_fn)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    fmt = FORMATS.get(args.output.suffix.lower())
    if fmt is None:
        parser.error(f"cannot tell the format of {args.output}: use .svg, .dot or .png")
    if not args.file.is_file():
        parser.error(f"{args.file}: no such file")

    # The script sees itself as __main__ with its own argv and directory, as under `python FILE.py`.
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [str(args.file)]
    sys.path.insert(0, str(args.file.resolve().parent))
    try:
        namespace = runpy.run_path(str(args.file), run_name="__main__")
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path

    from . import render
    from .names import names_from_globals

    try:
        tensor = _lookup(namespace, args.var, args.file)
        module = _lookup(namespace, args.module, args.file) if args.module else None
        drawing = render(
            tensor,
            fmt,
            module=module,
            params=names_from_globals(namespace),
            name=args.var,
            clusters=args.clusters,
            highlight=args.highlight,
            title=args.title,
        )
    except ValueError as error:
        print(f"grad-graph: {error}", file=sys.stderr)
        return 2
    if isinstance(drawing, str):
        args.output.write_text(drawing, encoding="utf-8")
    else:
        args.output.write_bytes(drawing)
    print(f"grad-graph: wrote {args.output}")
    return 0


def _lookup(namespace: dict, name: str, file: Path):
    if name not in namespace:
        defined = ", ".join(sorted(key for key in namespace if not key.startswith("_")))
        raise ValueError(f"{file} defines no variable {name!r} (it defines: {defined})")
    return namespace[name]


if __name__ == "__main__":
    sys.exit(main())
