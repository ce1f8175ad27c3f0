"""Faults in the reader's code or the host cost the reader nothing but a restart: a flood of output stays
bounded and stoppable, a Python that ends is noticed and replaced, a host's wrong .wasm type does not stall
the boot, and cell code cannot reach other origins."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from browser_support import cell, open_page, output_text, pages_with_cells, serve, set_code, wait_idle


def run_cell(page, index: int = 0):
    cell(page, index).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)


@pytest.fixture
def first_page(site_dir) -> str:
    return pages_with_cells(site_dir)[0]


def test_a_flood_of_output_is_folded_and_all_of_it_can_be_shown(page, site_url, first_page):
    open_page(page, site_url + first_page)
    set_code(page, 0, "for i in range(200_000):\n    print(i)")
    run_cell(page)
    shown = output_text(page, 0)
    assert shown.startswith("0\n1\n2\n") and shown.endswith("199998\n199999\n")
    assert "… 199,500 lines hidden" in shown
    assert shown.count("\n") <= 100 + 400 + 1  # head, fold, tail: not 200,000 lines in the page
    cell(page, 0).get_by_role("button", name="Show all").click()
    everything = output_text(page, 0)
    assert everything == "".join(f"{i}\n" for i in range(200_000))


def test_stop_ends_a_flood_of_output(page, site_url, first_page):
    open_page(page, site_url + first_page)
    set_code(page, 0, "while True:\n    print('x' * 80)")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    cell(page, 0).locator(".nn-output__fold").wait_for()  # well past a screenful of output
    started = time.monotonic()
    cell(page, 0).get_by_role("button", name="Stop").click()
    wait_idle(page)
    assert time.monotonic() - started < 3  # 64 s when every chunk was drawn as it came (benchmarks/output_flood.py)
    assert "Stopped" in output_text(page, 0)
    set_code(page, 0, "print('after')")
    run_cell(page)
    assert output_text(page, 0) == "after\n"


@pytest.mark.parametrize(
    "ending",
    [
        "import os\nos._exit(0)",
        "import sys\nsys.setrecursionlimit(100_000)\ndef f():\n    return f()\nf()",  # Pyodide's fatal error
    ],
    ids=["os._exit", "fatal-error"],
)
def test_a_python_that_ends_is_noticed_and_replaced(page, site_url, first_page, ending):
    open_page(page, site_url + first_page)
    set_code(page, 0, ending)
    run_cell(page)
    assert "Python ended" in output_text(page, 0)
    set_code(page, 0, "print('alive')")
    run_cell(page)
    assert output_text(page, 0) == "alive\n"


def test_a_host_serving_wasm_with_another_type_still_boots(page, site_dir, first_page):
    server, url = serve(site_dir, types={".wasm": "application/octet-stream"})
    try:
        open_page(page, url + first_page)
        set_code(page, 0, "print(6 * 7)")
        run_cell(page)
        assert output_text(page, 0) == "42\n"
    finally:
        server.shutdown()


class Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


def test_cell_code_cannot_reach_another_origin(page, site_url, first_page):
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    elsewhere = f"http://127.0.0.1:{other.server_address[1]}/leak"
    Counter.hits = []
    try:
        open_page(page, site_url + first_page)  # a first visit: no service worker controls the page yet
        set_code(
            page,
            0,
            "\n".join(
                [
                    "import js",
                    f"js.fetch('{elsewhere}')",
                    f"js.WorkerGlobalScope.prototype.fetch.call(js.self, '{elsewhere}')",
                    "try:",
                    "    request = js.XMLHttpRequest.new()",
                    f"    request.open('GET', '{elsewhere}')",
                    "    request.send()",
                    "except Exception as error:",
                    "    print('refused:', error)",
                    "try:",
                    f"    js.WebSocket.new('{elsewhere.replace('http', 'ws')}')",
                    "except Exception as error:",
                    "    print('refused:', error)",
                    "own = js.XMLHttpRequest.new()",  # the site's own files stay reachable
                    "own.open('GET', './', False)",
                    "own.send()",
                    "print(own.status)",
                ]
            ),
        )
        run_cell(page)
        page.wait_for_timeout(500)  # a request that was let through would have arrived by now
        text = output_text(page, 0)
        assert text.count("refused:") == 2 and "is not this site" in text, text
        assert text.endswith("refused: TypeError: WebSocket is not available to code on this site\n200\n"), text
        assert Counter.hits == []
    finally:
        other.shutdown()
