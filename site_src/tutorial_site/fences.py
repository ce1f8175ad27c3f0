"""Read a page's Markdown, once: its fences, in page order, among the lines of text around them.

A page is a list of parts that together hold every line of it, in order:
- Text: lines outside any fence;
- Fence: a fence the plugin runs, its language alone on the opening line (```python: a snippet, with the code
  annotation list after it; ```autograd-graph: a diagram, with its options);
- Code: any other fence (```bash, ~~~, ```python title="..."), shown as it is; nothing inside a fence is read as
  a fence of its own. An opening fence that nothing closes is a Code of its one line, `closed` False.

The plugin runs the Fences and renders each by its language (plugin.FENCE_KINDS); the notebooks convert the same
parts into cells. Containers (admonitions, content tabs) are not parts: their fences are parts at the container's
indentation, and the notebooks' converter reads the containers from the lines around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Union

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w-]*)(?P<info>.*)$")
LIST_ITEM = re.compile(r"^\d+\.\s")


@dataclass
class Text:
    lines: list[str]


@dataclass
class Code:
    """A fence the page shows as it is: its lines, opening and closing fence included."""

    lines: list[str]
    closed: bool = True


@dataclass
class Fence:
    """A fence the plugin runs: ```<lang>, alone on its opening line."""

    lang: str
    start: int  # the index of the opening line in the page
    indent: str  # the fence's indentation (content tabs, admonitions)
    lines: list[str]  # as on the page, opening and closing fence included

    @property
    def body(self) -> list[str]:
        return [line[len(self.indent) :] for line in self.lines[1:-1]]

    @property
    def all_lines(self) -> list[str]:
        return self.lines


@dataclass
class PythonFence(Fence):
    """A snippet cell: its body is one `--8<-- "file.py"` line (the plugin says so otherwise)."""

    annotations: list[str] = field(default_factory=list)  # Material's code annotations, dedented (annotation_list)
    annotation_lines: list[str] = field(default_factory=list)  # the lines they span on the page

    @property
    def directive(self) -> str | None:
        """The fence's one line, or None when it has more or fewer."""
        body = self.body
        return body[0] if len(body) == 1 else None

    @property
    def all_lines(self) -> list[str]:
        return [*self.lines, *self.annotation_lines]


@dataclass
class GraphFence(Fence):
    """An autograd diagram of the page's session."""

    @property
    def options(self) -> dict[str, str]:
        return parse_options(self.body)


Part = Union[Text, Code, Fence]
KINDS = {"python": PythonFence, "autograd-graph": GraphFence}


def parse(markdown: str) -> list[Part]:
    """The page's parts, in order; every line of `markdown` is in exactly one of them."""
    lines = markdown.split("\n")
    parts: list[Part] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        end = closing_fence(lines, i, opening) if opening else None
        if end is None:
            part, i = (Text([lines[i]]) if opening is None else Code([lines[i]], closed=False)), i + 1
        else:
            part, i = _fence(lines, i, end, opening)
        if isinstance(part, Text) and parts and isinstance(parts[-1], Text):
            parts[-1].lines.extend(part.lines)  # a run of text lines is one part
        else:
            parts.append(part)
    return parts


def page_lines(parts: list[Part]) -> Iterator[str]:
    """Every line of the page, in order."""
    for part in parts:
        yield from part.all_lines if isinstance(part, Fence) else part.lines


def _fence(lines: list[str], start: int, end: int, opening: re.Match) -> tuple[Part, int]:
    """The part of the fence from lines[start] to lines[end], and the index of the line after it."""
    kind = KINDS.get(opening["lang"]) if opening["fence"][0] == "`" and not opening["info"].strip(" \t") else None
    if kind is None:
        return Code(lines[start : end + 1]), end + 1
    indent = opening["indent"]
    fence = kind(opening["lang"], start, indent, lines[start : end + 1])
    if isinstance(fence, PythonFence):
        fence.annotations, after = annotation_list(lines, end + 1, indent)
        fence.annotation_lines = lines[end + 1 : after]
        return fence, after
    return fence, end + 1


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
    if j >= len(lines) or not (lines[j].startswith(prefix) and LIST_ITEM.match(lines[j][len(prefix) :])):
        return [], i
    items: list[str] = []
    while j < len(lines):
        line = lines[j]
        inner = line[len(prefix) :] if line.startswith(prefix) else None
        if line.strip() and (inner is None or not (LIST_ITEM.match(inner) or inner.startswith("    "))):
            break
        items.append(line[len(prefix) :] if inner is not None else "")
        j += 1
    while items and not items[-1].strip():
        items.pop()
    return ["", *items], j


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
