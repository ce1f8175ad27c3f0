"""What every fence formatter shares: raw-HTML placement inside Markdown. (Reading the fences is fences.py's.)"""

from __future__ import annotations

import html


def one_line(text: str) -> str:
    """HTML-escaped text on a single line: a raw HTML block in Markdown must not contain blank or indented lines."""
    return html.escape(text).replace("\n", "&#10;")


def indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]
