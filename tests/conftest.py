"""Fixtures shared by every test area; plain helpers live in support.py."""

from __future__ import annotations

import pytest

from pathlib import Path

from support import CHROMIUM, CHROMIUM_ARGS, ROOT, PageSteps


@pytest.fixture
def steps():
    """A page session: run snippet sections one after another and look at the namespace in between."""
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


@pytest.fixture(scope="session")
def browser():
    """One Chromium for every browser test: Playwright's sync API allows one instance per thread."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make system installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
