"""Helpers shared by every test area (fixtures are in conftest.py)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from tutorial_site import fences

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "snippets"
# Debian's Chromium (`make system` installs it); Playwright never downloads a browser. The flags keep Chromium's own
# traffic (background requests, component updates, sync) off the network, so a test sees only the site's requests.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Records when a cell's output area first shows output from the browser, and when the page said Python was
# ready with its session open (performance.now(): ms since navigation). Between the two: the first Run.
WATCH_FIRST_OUTPUT = """
new MutationObserver(() => {
  const shown = document.querySelector('.nn-output[data-origin="browser"] code');
  if (shown && shown.textContent && window.firstOutputMs === undefined) window.firstOutputMs = performance.now();
  const status = document.querySelector('.nn-pagebar__status');
  if (status && status.textContent.startsWith('Python ready') && window.readyMs === undefined) {
    window.readyMs = performance.now();
  }
}).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"""

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def mask_addresses(text: str) -> str:
    """Object addresses differ between runs: `<AddmmBackward0 object at 0x7f...>`."""
    return ADDRESS.sub("0x…", text)


def _mkdocs_config() -> dict:
    """mkdocs.yml as data, read with mkdocs' own YAML loader (it knows the `!ENV` tags)."""
    from mkdocs.utils.yaml import yaml_load

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as file:
        return yaml_load(file)


_CONFIG = _mkdocs_config()
DOCS = ROOT / _CONFIG.get("docs_dir", "docs")


def _nav_paths(nav) -> list[str]:
    """Every path the nav lists, in its order: `- path`, `- Title: path`, `- Section: [...]`."""
    items = nav if isinstance(nav, list) else [nav]
    return [
        path
        for item in items
        for value in (item.values() if isinstance(item, dict) else [item])
        for path in (_nav_paths(value) if isinstance(value, (list, dict)) else [value])
    ]


# The Markdown pages of mkdocs.yml's nav, in its order, as docs-relative paths ("index.md", "define.md").
NAV_PAGES = [path for path in _nav_paths(_CONFIG.get("nav") or []) if path.endswith(".md")]
# The tutorial pages: the nav's pages with at least one ```python fence, as the plugin's own parser reads them
# (tutorial_site/fences.py), i.e. the pages that run cells and get a notebook and downloads. The one list every
# test area parametrizes over: a page added to the nav is tested, no list to edit (tests/notebooks/test_notebooks.py
# checks the build ran cells on exactly these pages).
TUTORIAL_PAGES = [
    page
    for page in NAV_PAGES
    if any(isinstance(part, fences.PythonFence) for part in fences.parse((DOCS / page).read_text(encoding="utf-8")))
]


def page_stem(page: str) -> str:
    """The page's name in the built site's downloads/ and notebooks/: "define.md" -> "define"."""
    return page.removesuffix(".md")


def page_url(page: str) -> str:
    """The site-relative URL of a docs page (directory URLs): "define.md" -> "define/", "index.md" -> ""."""
    stem = page_stem(page)
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def read_page_data(html: str) -> dict:
    """A built page's cells as the plugin recorded them: `<div id="nn-page" data-json=...>`, read as a browser would."""

    class Finder(HTMLParser):
        data = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id") == "nn-page":
                self.data = attrs["data-json"]

    finder = Finder()
    finder.feed(html)
    assert finder.data is not None, "no nn-page data on this page"
    return json.loads(finder.data)


class PageSteps:
    """Runs snippet sections in one namespace, as a page does, so a test can look at the state in between."""

    def __init__(self):
        from tutorial_site.session import PageSession

        self.session = PageSession(SNIPPETS)

    def run(self, target: str) -> str:
        """Run `file.py:section` (or `file.py`) and return what it printed."""
        from tutorial_site import snippets

        return self.session.run(snippets.load(f'--8<-- "{target}"', SNIPPETS, ROOT))

    def __getitem__(self, name):
        return self.session.namespace[name]
