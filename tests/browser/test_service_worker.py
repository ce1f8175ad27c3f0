"""The service worker across deployments (issue 14, item 3) and the policy it gives the Python worker (item 9).

Each test serves its own copy of the built site from a server that records every request it answers, so that a
"rebuild" can edit files in place: one page's HTML and runner.js, then the worker's list rewritten as install()
does at the end of a build (assets._write_service_worker).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import time
from pathlib import Path

import pytest

from browser_support import cell, output_text, pages_with_cells, set_code, wait_idle, wait_ready
from tutorial_site.assets import _content_digest, _write_service_worker

BASE_PATH = "/tutorial/"
CACHE = "nn-site-files"  # sw.js


class RecordingHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }
    answered: list[tuple[str, int]]  # (site-relative path, status), set per server

    def translate_path(self, path):
        if not path.startswith(BASE_PATH):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(BASE_PATH) :])

    def log_request(self, code="-", size="-"):
        path = self.path.split("?", 1)[0]
        self.answered.append((path[len(BASE_PATH) :] if path.startswith(BASE_PATH) else path, int(code)))

    def log_message(self, *args):
        pass


@pytest.fixture
def served(site_dir, tmp_path):
    """A copy of the site, its address and the list of (path, status) its server answered."""
    site = tmp_path / "site"
    shutil.copytree(site_dir, site)
    _write_service_worker(site)  # from this checkout's sw.js, whatever site NN_BROWSER_SITE names
    answered: list[tuple[str, int]] = []
    handler = type("Handler", (RecordingHandler,), {"answered": answered})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}", answered
    server.shutdown()


def wait_until_controlled(page):
    """Until the service worker has stored the site, activated and taken the page over."""
    page.evaluate("""async () => {
        const worker = (await navigator.serviceWorker.ready).active;
        if (worker.state !== "activated") {
            await new Promise((done) => worker.addEventListener(
                "statechange", () => worker.state === "activated" && done()));
        }
        if (!navigator.serviceWorker.controller) {
            await new Promise((done) => navigator.serviceWorker.addEventListener("controllerchange", done));
        }
    }""")


def stored(page) -> set[str]:
    return set(page.evaluate(f"async () => (await (await caches.open({CACHE!r})).keys()).map((r) => r.url)"))


def wait_until_stored(page, present: str, absent: str, timeout_s: float = 60):
    """Until the cache holds `present` and no longer `absent` (a new worker installed and activated)."""
    deadline = time.monotonic() + timeout_s
    while True:
        keys = stored(page)
        if present in keys and absent not in keys:
            return
        assert time.monotonic() < deadline, (
            f"{present} never replaced {absent}",
            present in keys,
            absent in keys,
            page.evaluate(REGISTRATION),
        )
        time.sleep(0.25)


REGISTRATION = """async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return ["installing", "waiting", "active"].map((name) => `${name}: ${registration[name]?.state}`).join(", ");
}"""


def update_check(page) -> dict:
    """Ask the browser to look for a new worker now; say what it found."""
    return page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        await registration.update();
        return { installing: !!registration.installing, waiting: !!registration.waiting };
    }""")


def test_a_rebuild_reaches_readers_with_its_script_and_an_identical_one_downloads_nothing(context, served):
    site, url, answered = served
    first_page = pages_with_cells(site)[0]
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url + first_page)
    wait_ready(page)
    wait_until_controlled(page)
    assert page.evaluate("() => self.nnBuildMarker") is None
    everything = stored(page)
    html = site / first_page / "index.html"
    runner = site / "assets/runner/runner.js"
    old_page, old_runner = (
        f"{url}{address}?sha256={_content_digest(path)}"
        for address, path in [(first_page, html), ("assets/runner/runner.js", runner)]
    )
    assert {old_page, old_runner} <= everything and len(everything) > 50

    # A new deployment: this page's text and runner.js change, and with them the worker's list.
    text = html.read_text(encoding="utf-8")
    assert text.count("</article>") == 1
    html.write_text(text.replace("</article>", '<p id="sw-test-marker">Rebuilt page</p></article>'), encoding="utf-8")
    runner.write_text(runner.read_text(encoding="utf-8") + '\n;self.nnBuildMarker = "v2";\n', encoding="utf-8")
    old_worker = (site / "runner-sw.js").read_bytes()
    _write_service_worker(site)
    assert (site / "runner-sw.js").read_bytes() != old_worker
    new_page = f"{url}{first_page}?sha256={_content_digest(html)}"
    new_runner = f"{url}assets/runner/runner.js?sha256={_content_digest(runner)}"

    # The reader comes back: the old worker still controls the page, yet the new page runs the new script.
    answered.clear()
    page.reload()
    assert page.locator("#sw-test-marker").text_content() == "Rebuilt page"
    assert page.evaluate("() => self.nnBuildMarker") == "v2"
    wait_ready(page)
    wait_until_stored(page, new_runner, old_runner)
    # Nothing but the two changed files (and the worker's list) was asked of the server: the old worker served the
    # unchanged ones from its cache, and the new one kept them.
    assert {path for path, _ in answered} <= {first_page, "assets/runner/runner.js", "runner-sw.js"}, answered
    assert stored(page) == everything - {old_page, old_runner} | {new_page, new_runner}

    # Served by the new worker now, from its cache: the new page and script again, and no file but the page fetched.
    answered.clear()
    page.reload()
    wait_ready(page)
    assert page.evaluate("() => self.nnBuildMarker") == "v2"
    assert page.locator("#sw-test-marker").text_content() == "Rebuilt page"
    assert {path for path, _ in answered} <= {first_page, "runner-sw.js"}, answered

    # A rebuild of the same content (every file touched, as a fresh build's are) writes the same worker, byte for
    # byte: the browser finds no new worker and the reader downloads nothing again.
    worker = (site / "runner-sw.js").read_bytes()
    for path in site.rglob("*"):
        path.touch()
    _write_service_worker(site)
    assert (site / "runner-sw.js").read_bytes() == worker
    answered.clear()
    page.reload()
    wait_ready(page)
    assert update_check(page) == {"installing": False, "waiting": False}
    assert {path for path, _ in answered} <= {first_page, "runner-sw.js"}, answered
    assert page.evaluate("() => self.nnBuildMarker") == "v2"


@pytest.fixture
def other_origin():
    """A server on another port that counts the requests reaching it."""
    reached: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            reached.append(self.path)
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(b"reached")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", reached
    server.shutdown()


# A dynamic import() fetches without going through the worker's own guard (worker.js confines fetch,
# XMLHttpRequest and Cache.add; import() cannot be wrapped): only the policy stops it.
PROBE = """async (url) => {
    try {
        await import(url);
        return "fetched";
    } catch (error) {
        return `refused: ${error.message}`;
    }
}"""


def python_worker(page):
    workers = [worker for worker in page.workers if worker.url.endswith("/assets/runner/worker.js")]
    assert len(workers) == 1, [worker.url for worker in page.workers]
    return workers[0]


def test_the_python_worker_served_by_the_service_worker_reaches_this_site_only(context, served, other_origin):
    site, url, _ = served
    elsewhere, reached = other_origin
    first_page = pages_with_cells(site)[0]
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url + first_page)
    wait_ready(page)
    # First visit, no service worker yet: no policy on the worker, and the probe does reach the other server.
    python_worker(page).evaluate(PROBE, elsewhere + "before")
    assert reached == ["/before"]
    wait_until_controlled(page)

    page.reload()
    # Pyodide boots under the policy (its wasm, standard library and wheels are the site's own; loading the torch
    # runtime's shared library evaluates its EM_JS snippets, hence 'unsafe-eval'), and cells import torch.
    wait_ready(page)
    header = page.evaluate(
        "async (url) => (await fetch(url)).headers.get('Content-Security-Policy')", url + "assets/runner/worker.js"
    )
    assert header == "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; connect-src 'self'"
    assert python_worker(page).evaluate(PROBE, elsewhere + "after").startswith("refused")
    # From a cell too: the request never leaves the browser.
    set_code(
        page,
        0,
        "import js\njs.caches.open('nn-csp-probe').then(lambda cache: cache.add("
        f"'{elsewhere}cell'))\nprint('torch', __import__('torch').ones(2).sum().item())",
    )
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    assert output_text(page, 0) == "torch 2.0\n"
    page.wait_for_timeout(1000)
    assert reached == ["/before"]
