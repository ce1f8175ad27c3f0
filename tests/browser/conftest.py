"""Real-browser fixtures: the site built once per session with the real plugin, served on localhost, and
Debian's Chromium driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

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


# Served as a project site is hosted (https://USER.github.io/REPO/): under a sub-path, on a port no build
# could know (a random one), with no SITE_URL. A page that works only at the root of 127.0.0.1:8000 fails here.
BASE_PATH = "/tutorial/"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".wasm": "application/wasm"}
    headers_to_add: dict[str, str] = {}

    def translate_path(self, path):
        if not path.startswith(BASE_PATH):
            return str(Path(self.directory) / "__outside_the_site__")  # 404, as for any path the host lacks
        return super().translate_path("/" + path[len(BASE_PATH):])

    def end_headers(self):
        for name, value in self.headers_to_add.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


def serve(directory: Path, headers: dict[str, str] | None = None):
    handler = type("Handler", (QuietHandler,), {"headers_to_add": headers or {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"


@pytest.fixture(scope="session")
def site_url(site_dir):
    server, url = serve(site_dir)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def isolated_site_url(site_dir):
    """The same site served cross-origin isolated (COOP/COEP headers), as a server can be configured to do."""
    server, url = serve(site_dir, {"Cross-Origin-Opener-Policy": "same-origin",
                                   "Cross-Origin-Embedder-Policy": "require-corp"})
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
