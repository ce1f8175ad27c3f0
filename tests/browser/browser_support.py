"""Helpers of the browser tests (fixtures are in conftest.py)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

from support import TUTORIAL_PAGES, page_url, read_page_data


def pages_with_cells(site_dir: Path) -> list[str]:
    """Site-relative URLs of the tutorial pages (support.TUTORIAL_PAGES, read from mkdocs.yml's nav), each checked
    to hold its runnable cells in the built site. Sorted by URL: a stable pick for the tests that take the first
    one or two pages."""
    pages = sorted(page_url(page) for page in TUTORIAL_PAGES)
    for url in pages:
        html = site_dir / url / "index.html"
        assert html.is_file() and 'id="nn-page"' in html.read_text(encoding="utf-8"), f"{url or 'index'}: no cells"
    return pages


def page_data(site_dir: Path, url: str) -> dict:
    """The page's nn-page data, read with an HTML parser as the browser reads it."""
    return read_page_data((site_dir / url / "index.html").read_text(encoding="utf-8"))


def wait_ready(page, timeout_ms: int = 90_000):
    """Until Python has booted, the page's session is open (its imports done) and its editors are in place (they
    come after, page.js)."""
    page.wait_for_function("() => window.nnRunner?.python?.status.phase === 'ready'", timeout=timeout_ms)
    page.evaluate("() => window.nnRunner.python.sessionReady")
    wait_editors(page, timeout_ms)


def wait_editors(page, timeout_ms: int = 90_000):
    """Until the page's cells show editors (page.js mounts them after the first output, or when asked)."""
    page.wait_for_function("() => window.nnRunner?.page?.cells.every((cell) => cell.editor)", timeout=timeout_ms)


def cell(page, index: int):
    return page.locator(f'.nn-cell[data-cell="{index}"]')


def output_text(page, index: int) -> str:
    return cell(page, index).locator(".nn-output code").text_content()


def set_code(page, index: int, code: str):
    editor = cell(page, index).locator(".cm-content")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(code)


def editor_code(page, index: int) -> str:
    return page.evaluate("(i) => window.nnRunner.page.cells[i].editor.state.doc.toString()", index)


def wait_idle(page):
    """Until every run asked for so far has ended."""
    page.evaluate("() => window.nnRunner.page.queue")


def open_page(page, url: str):
    page.goto(url)
    wait_ready(page)


# Served as a project site is hosted (https://USER.github.io/REPO/): under a sub-path, on a port no build
# could know (a random one), with no SITE_URL. A page that works only at the root of 127.0.0.1:8000 fails here.
BASE_PATH = "/tutorial/"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }
    headers_to_add: dict[str, str] = {}

    def translate_path(self, path):
        if not path.startswith(BASE_PATH):
            return str(Path(self.directory) / "__outside_the_site__")  # 404, as for any path the host lacks
        return super().translate_path("/" + path[len(BASE_PATH) :])

    def end_headers(self):
        for name, value in self.headers_to_add.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


def serve(directory: Path, headers: dict[str, str] | None = None, types: dict[str, str] | None = None):
    """Serve directory under BASE_PATH; headers: added to every response; types: extension -> Content-Type."""
    handler = type(
        "Handler",
        (QuietHandler,),
        {"headers_to_add": headers or {}, "extensions_map": {**QuietHandler.extensions_map, **(types or {})}},
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
