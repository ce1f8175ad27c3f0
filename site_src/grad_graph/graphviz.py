"""Run Graphviz's ``dot`` (build time only; the browser uses @viz-js/viz)."""

from __future__ import annotations

import shutil
import subprocess

FORMATS = ("svg", "png")


class DotTimeout(RuntimeError):
    """``dot`` took longer than it was allowed to (it was killed)."""


def run_dot(dot_source: str, fmt: str = "svg", *, timeout: float | None = None) -> bytes:
    """Lay out and draw ``dot_source`` with the ``dot`` program; returns the file's bytes.

    timeout: seconds before ``dot`` is killed and DotTimeout raised; None waits as long as it takes.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    program = shutil.which("dot")
    if program is None:
        raise RuntimeError("Graphviz's `dot` program is not on PATH (Debian: apt-get install graphviz)")
    try:
        result = subprocess.run(
            [program, f"-T{fmt}"], input=dot_source.encode(), capture_output=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed and reaped dot
        raise DotTimeout(f"Graphviz's dot did not finish laying out the graph within {timeout:g} s") from None
    if result.returncode != 0:
        raise RuntimeError(f"dot -T{fmt} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout
