"""The autograd diagrams of a page, as its notebook shows them: images in Markdown cells."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from grad_graph.graphviz import run_dot

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


@dataclass(frozen=True)
class Diagram:
    """An autograd diagram a page drew, as its notebook shows it: Graphviz's own drawing of the figure's DOT, which
    is standalone where the page's inline SVG takes its colours from the site's stylesheet.

    It goes in a Markdown image with a data: URL. Not a cell attachment: JupyterLab renders attachments of raster
    types only. Not an output: running the notebook would clear it, and nothing in the notebook could draw it again.
    """

    svg: bytes
    caption: str
    description: str

    @classmethod
    def from_figure(cls, figure: str) -> Diagram:
        """The diagram of a figure formatters/graph.py rendered."""
        reader = _FigureReader()
        reader.feed(figure)
        reader.close()
        if not reader.dot:
            raise ValueError("an autograd-graph figure without its DOT (data-dot)")
        return cls(run_dot(reader.dot, "svg"), reader.caption.strip(), reader.description.strip())

    def markdown(self) -> list[str]:
        data = base64.b64encode(self.svg).decode("ascii")
        alt = _markdown_text(self.description or self.caption)
        return [f"![{alt}](data:image/svg+xml;base64,{data})", "", f"*{_markdown_text(self.caption)}*"]


class _FigureReader(HTMLParser):
    """What a notebook needs of an autograd figure: the DOT it was drawn from, its caption and its text description."""

    def __init__(self):
        super().__init__()
        self.dot: str | None = None
        self.caption = ""
        self.description = ""
        self._inside: str | None = None  # figcaption or desc, whose text is wanted

    def handle_starttag(self, tag, attrs):
        if tag == "figure" and self.dot is None:
            self.dot = dict(attrs).get("data-dot")
        elif tag in ("figcaption", "desc"):
            self._inside = tag

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data):
        if self._inside == "figcaption":
            self.caption += data
        elif self._inside == "desc":
            self.description += data


def _markdown_text(text: str) -> str:
    """`text` as literal Markdown: a caption's `next_functions[0][0]` stays itself, not emphasis or a link."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)
