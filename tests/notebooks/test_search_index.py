"""The search index: every page once, its prose and code, and none of the text of its autograd diagrams."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from support import NAV_PAGES, page_url


class DiagramNodes(HTMLParser):
    """The drawn label of every node of the autograd diagrams in built pages: its <text> elements, joined."""

    def __init__(self):
        super().__init__()
        self.labels: list[str] = []
        self._depth = 0  # inside a node's <g>: how many <g> deep
        self._in_text = False

    def handle_starttag(self, tag, attrs):
        if tag == "text":
            self._in_text = bool(self._depth)
        elif tag == "g" and self._depth:
            self._depth += 1
        elif tag == "g" and "node" in (dict(attrs).get("class") or "").split():
            self._depth = 1
            self.labels.append("")

    def handle_endtag(self, tag):
        if tag == "text":
            self._in_text = False
        elif tag == "g" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._in_text:
            self.labels[-1] += data


def compact(text: str) -> str:
    """Text without whitespace: the index and the SVG space a node's lines differently."""
    return re.sub(r"\s+", "", text)


def node_labels(site: Path) -> set[str]:
    parser = DiagramNodes()
    for html in site.rglob("index.html"):
        parser.feed(html.read_text(encoding="utf-8"))
    # With its shape ("AccumulateGrad [10]"): a bare operation name may well be in the prose too.
    return {compact(label) for label in parser.labels if "[" in label}


def index_of(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_every_page_is_indexed_once_and_no_notebook_page_is(built_site):
    """A notebook page repeats its page: search results would list every page twice."""
    site, _ = built_site
    docs = index_of(site)
    pages = {doc["location"].split("#")[0] for doc in docs}
    expected = {page_url(path) for path in NAV_PAGES}
    assert pages == expected
    assert not [doc["location"] for doc in docs if doc["location"].startswith("notebooks/")]
    assert len({doc["location"] for doc in docs}) == len(docs)


def test_index_holds_no_diagram_text(built_site):
    """The diagrams' node names and shapes buried the prose: searching "backward" listed walls of them."""
    site, _ = built_site
    labels = node_labels(site)
    assert len(labels) >= 10  # the diagrams are on the pages, with labels such as "AccumulateGrad [10]"
    for doc in index_of(site):
        text = compact(doc["text"])
        assert not [label for label in labels if label in text], doc["location"]
        assert "Download.ipynb" not in text, doc["location"]  # the bar under every title would match every page
