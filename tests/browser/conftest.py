"""Real-browser fixtures: the site built once per session with the real plugin, served on localhost, and
Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser_support import serve
from support import CHROMIUM


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    """The site, built with the real plugin. NN_BROWSER_SITE=DIR reuses a site built before (`mkdocs build -d DIR`)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make system installs it)")
    if os.environ.get("NN_BROWSER_SITE"):
        return Path(os.environ["NN_BROWSER_SITE"])
    return request.getfixturevalue("built_site")[0]


@pytest.fixture(scope="session")
def site_url(site_dir):
    server, url = serve(site_dir)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def isolated_site_url(site_dir):
    """The same site served cross-origin isolated (COOP/COEP headers), as a server can be configured to do."""
    server, url = serve(
        site_dir, {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"}
    )
    yield url
    server.shutdown()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page
