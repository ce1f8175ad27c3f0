"""What every fence formatter shares: the options block and raw-HTML placement inside Markdown."""
from __future__ import annotations

import html


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
