"""What every fence formatter shares: the options block and raw-HTML placement inside Markdown; and reading a
page's fences and their code annotations, which the plugin and the notebooks both do."""
from __future__ import annotations

import html
import re

LIST_ITEM = re.compile(r"^\d+\.\s")


def parse_options(body: list[str]) -> dict[str, str]:
    """`key: value` lines of a fence body."""
    options = {}
    for line in body:
        if line.strip():
            key, sep, value = line.partition(":")
            if not sep:
                raise ValueError(f"expected 'key: value', got {line.strip()!r}")
            options[key.strip()] = value.strip()
    return options


def one_line(text: str) -> str:
    """HTML-escaped text on a single line: a raw HTML block in Markdown must not contain blank or indented lines."""
    return html.escape(text).replace("\n", "&#10;")


def indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


def closing_fence(lines: list[str], start: int, opening: re.Match) -> int | None:
    """The index of the line that closes the fence opened at lines[start] (same indent and fence), or None."""
    closing = opening["indent"] + opening["fence"]
    for j in range(start + 1, len(lines)):
        if lines[j].rstrip() == closing:
            return j
    return None


def annotation_list(lines: list[str], i: int, prefix: str) -> tuple[list[str], int]:
    """Material's code annotations: an ordered list right after the block. Returns it and the next line index."""
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j >= len(lines) or not (lines[j].startswith(prefix) and LIST_ITEM.match(lines[j][len(prefix):])):
        return [], i
    items: list[str] = []
    while j < len(lines):
        line = lines[j]
        inner = line[len(prefix):] if line.startswith(prefix) else None
        if line.strip() and (inner is None or not (LIST_ITEM.match(inner) or inner.startswith("    "))):
            break
        items.append(line[len(prefix):] if inner is not None else "")
        j += 1
    while items and not items[-1].strip():
        items.pop()
    return ["", *items], j
