"""Fixtures shared by every test area."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "snippets"
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def mask_addresses(text: str) -> str:
    """Object addresses differ between runs: `<AddmmBackward0 object at 0x7f...>`."""
    return ADDRESS.sub("0x…", text)


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


@pytest.fixture
def page():
    return PageSteps()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The site built once per test session with `--strict`, and what its pages ran.

    Returns (site_dir, runs) where runs maps each page's source path to the plugin's PageRun.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = tmp_path_factory.mktemp("site")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    build(config)
    return site_dir, config.plugins["tutorial"].runs
