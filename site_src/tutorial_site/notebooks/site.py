"""A notebook page as mkdocs-jupyter rendered it, made a page of this site.

On the site a notebook page is a view of its page, not a second copy of it: it takes its table of contents from the
headings it shows (mkdocs-jupyter's own drops inline code from them), and shows its admonitions as the tutorial's
pages do.
"""

from __future__ import annotations

import re
from html import escape as html_escape
from html.parser import HTMLParser

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents, get_toc

MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>', re.DOTALL)
# Material's admonition types and their aliases (each is also a CSS class of Material's).
ADMONITION_KINDS = {
    "note",
    "abstract",
    "summary",
    "tldr",
    "info",
    "todo",
    "tip",
    "hint",
    "important",
    "success",
    "check",
    "done",
    "question",
    "help",
    "faq",
    "warning",
    "caution",
    "attention",
    "failure",
    "fail",
    "missing",
    "danger",
    "error",
    "bug",
    "example",
    "quote",
    "cite",
}
# An admonition as the notebook Markdown writes it (`> **Warning: title**`), once nbconvert has rendered it.
RENDERED_QUOTE = re.compile(
    r"<blockquote>\s*<p><strong>(?P<label>[A-Z][a-z]+)(?:: (?P<title>(?:(?!</strong>).)*))?</strong></p>"
    r"(?P<body>(?:(?!</?blockquote\b).)*)</blockquote>",
    re.DOTALL,
)


def site_page(html: str, page: Page) -> str:
    """A notebook page as mkdocs-jupyter rendered it, made a page of this site: without nbconvert's Mermaid loader
    (it imports from a CDN when a notebook has Mermaid diagrams, which ours never do, and the site loads nothing from
    other origins), with its admonitions shown as on the tutorial's pages, and with a table of contents that is the
    headings as they show."""
    page.toc = _headings_toc(html)
    return RENDERED_QUOTE.sub(_as_admonition, MERMAID_LOADER.sub("", html))


def _as_admonition(quote: re.Match) -> str:
    """A rendered block quote that opens with an admonition's bold line, as Material renders that admonition."""
    kind = quote["label"].lower()
    if kind not in ADMONITION_KINDS:
        return quote[0]
    return (
        f'<div class="admonition {kind}">\n<p class="admonition-title">{quote["title"] or quote["label"]}</p>'
        f'{quote["body"]}</div>'
    )


class _Headings(HTMLParser):
    """The headings of rendered HTML that have an id: level, id and text (without the heading's permalink)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[int, str, str]] = []
        self._heading: list | None = None  # [level, id, text] of the heading being read
        self._in_permalink = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag) and attributes.get("id"):
            self._heading = [int(tag[1]), attributes["id"], ""]
        elif self._heading and tag == "a" and "anchor-link" in (attributes.get("class") or "").split():
            self._in_permalink = True

    def handle_endtag(self, tag):
        if not self._heading:
            return
        if tag == "a":
            self._in_permalink = False
        elif tag == f"h{self._heading[0]}":
            self.found.append((self._heading[0], self._heading[1], self._heading[2].strip()))
            self._heading = None

    def handle_data(self, data):
        if self._heading and not self._in_permalink:
            self._heading[2] += data


def _headings_toc(html: str) -> TableOfContents:
    """A table of contents of the headings in `html`, nested by level, their text whole (inline code included)."""
    headings = _Headings()
    headings.feed(html)
    headings.close()
    roots: list[dict] = []
    enclosing: list[dict] = []  # the open heading of each level above the next one
    for level, anchor, text in headings.found:
        token = {"level": level, "id": anchor, "name": html_escape(text), "children": []}
        while enclosing and enclosing[-1]["level"] >= level:
            enclosing.pop()
        (enclosing[-1]["children"] if enclosing else roots).append(token)
        enclosing.append(token)
    return get_toc(roots)
