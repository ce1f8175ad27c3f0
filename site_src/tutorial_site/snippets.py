"""Find the code a page shows: `--8<-- "file.py"` or `--8<-- "file.py:section"` inside a ```python fence.

The directive and the section markers (`# --8<-- [start:name]` ... `# --8<-- [end:name]`) are
pymdownx.snippets' own syntax, so authors write what they know; the plugin resolves them itself because it
must execute the code with the snippet's real file name and line numbers before Markdown runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DIRECTIVE = re.compile(r'^--8<--\s+"(?P<file>[^":]+)(?::(?P<section>[\w-]+))?"\s*$')
MARKER = re.compile(r"^\s*#\s*--8<--\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]\s*$")


class SnippetError(Exception):
    """A snippet the page names cannot be read; the message says where."""


class SnippetNotFound(SnippetError):
    pass


@dataclass(frozen=True)
class Snippet:
    """A piece of a snippet file: its code, where it lives, and on which line it starts."""

    path: Path  # absolute
    rel: str  # as the repository names it, e.g. "snippets/loss.py"
    section: str | None
    first_line: int  # 1-based line of the file where `code` starts
    code: str


def load(directive: str, snippets_dir: Path, root: Path) -> Snippet | None:
    """The Snippet a directive line names, or None when the line is not a directive."""
    match = DIRECTIVE.match(directive.strip())
    if not match:
        return None
    path = snippets_dir / match["file"]
    if not path.is_file():
        raise SnippetNotFound(f"snippet file not found: {path.relative_to(root)}")
    rel = str(path.relative_to(root))
    lines = _read(path, rel).splitlines()
    section = match["section"]
    if section is None:
        return Snippet(path, rel, None, 1, _join(lines))
    start = end = None
    for number, line in enumerate(lines):
        marker = MARKER.match(line)
        if marker and marker["name"] == section:
            if marker["kind"] == "start":
                start = number + 1
            else:
                end = number
    if start is None or end is None or end < start:
        raise SnippetNotFound(f"section '{section}' not found (or not closed) in {rel}")
    return Snippet(path, rel, section, start + 1, _join(lines[start:end]))


def _read(path: Path, rel: str) -> str:
    """The file's text; SnippetError naming the line and column of its first byte that is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8")) + 1  # valid up to the bad byte: characters
        raise SnippetError(f"{rel}:{line}: not UTF-8 (byte 0x{data[error.start]:02x} at column {column})") from None


def _join(lines: list[str]) -> str:
    """The shown code: without section markers (they are for authors) and without trailing blank lines.

    No final newline either: the editor in the page would show it as an empty last line.
    """
    shown = [line for line in lines if not MARKER.match(line)]
    return "\n".join(shown).rstrip()
