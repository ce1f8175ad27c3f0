"""A runnable cell: the snippet's code as a Python block, its annotations, and the output real PyTorch printed."""

from __future__ import annotations

from ..snippets import Snippet
from .base import indent, one_line


def render(index: int, snippet: Snippet, output: str, annotations: list[str], prefix: str) -> list[str]:
    """Markdown lines for one cell; `prefix` is the fence's indentation (content tabs, admonitions)."""
    fence = "```" if "```" not in snippet.code else "````"
    state = " nn-output--empty" if not output else ""
    lines = [
        f'<div class="nn-cell" data-cell="{index}" data-source="{snippet.rel}" '
        f'data-first-line="{snippet.first_line}" markdown>',
        "",
        f'{fence}python title="{snippet.rel}"',
        *snippet.code.rstrip("\n").split("\n"),
        fence,
        *annotations,
        "",
        f'<div class="nn-output{state}" data-cell="{index}"><pre><code>{one_line(output)}</code></pre></div>',
        "",
        "</div>",
        "",
    ]
    return indent(lines, prefix)
