"""Helpers shared by every test area (fixtures are in conftest.py)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "snippets"
# Debian's Chromium, with the flags that keep it off the network (DESIGN.md); Playwright never downloads a browser.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def mask_addresses(text: str) -> str:
    """Object addresses differ between runs: `<AddmmBackward0 object at 0x7f...>`."""
    return ADDRESS.sub("0x…", text)


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
