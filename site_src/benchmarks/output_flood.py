"""What a flood of printed output costs the page, for one or more builds side by side (e.g. before and after a change).

    .venv/bin/python site_src/benchmarks/output_flood.py --site OLD_DIR --site NEW_DIR [--rounds 2] [--seconds 5]
                                                        [--lines 200000]

For each site (built with `mkdocs build -d DIR`), rounds interleaved, in Debian's Chromium with a fresh context:
- many lines: a cell runs `for i in range(LINES): print(i)`; time from Run to the end of the run, the longest
  main-thread task and the total blocking time (long tasks' time past 50 ms) while it runs, the page's DOM nodes
  and JS heap after it;
- flood then Stop: a cell prints 80-character lines in a loop for --seconds; the JS heap then, and the time from
  the Stop click until the run has ended (the page shows "Stopped").
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import threading
import time
from pathlib import Path

from browser_boot import CHROMIUM, CHROMIUM_ARGS, Handler, Server
from playwright.sync_api import sync_playwright

PAGE = "forward-backward/"
LONG_TASKS = """
window.longTasks = [];
new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
  .observe({ type: "longtask", buffered: false });
"""


def serve(site: Path) -> tuple[Server, str]:
    server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def set_code(page, code: str):
    page.evaluate(
        """(code) => {
        const view = window.nnRunner.page.cells[0].editor;
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
    }""",
        code,
    )


def open_ready(browser, url: str):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto(url + PAGE)
    page.wait_for_function("() => window.nnRunner?.python?.status.phase === 'ready'")
    page.evaluate("() => window.nnRunner.python.sessionReady")
    page.evaluate("() => window.nnRunner.page.run(0)")  # the page's own first cell, so later runs start warm
    return context, page


def heap_mb(page) -> float:
    session = page.context.new_cdp_session(page)
    session.send("Performance.enable")
    metrics = {metric["name"]: metric["value"] for metric in session.send("Performance.getMetrics")["metrics"]}
    return metrics["JSHeapUsedSize"] / 1e6


def many_lines(browser, url: str, lines: int) -> dict:
    context, page = open_ready(browser, url)
    try:
        set_code(page, f"for i in range({lines}):\n    print(i)")
        page.evaluate(LONG_TASKS)
        started = time.monotonic()
        page.evaluate("() => window.nnRunner.page.run(0)")
        page.wait_for_timeout(200)  # long tasks are reported after they end
        tasks = page.evaluate("window.longTasks")
        return {
            "run s": time.monotonic() - started,
            "longest task ms": max(tasks, default=0),
            "blocking ms": sum(t - 50 for t in tasks if t > 50),
            "DOM nodes": page.evaluate("() => document.getElementsByTagName('*').length"),
            "heap MB": heap_mb(page),
        }
    finally:
        context.close()


def flood_then_stop(browser, url: str, seconds: float) -> dict:
    context, page = open_ready(browser, url)
    try:
        set_code(page, "while True:\n    print('x' * 80)")
        page.evaluate("() => { window.flood = window.nnRunner.page.run(0); }")
        page.wait_for_timeout(seconds * 1000)
        heap = heap_mb(page)
        started = time.monotonic()
        page.locator('.nn-cell[data-cell="0"]').get_by_role("button", name="Stop").click()
        page.evaluate("() => window.flood")
        return {"heap after flood MB": heap, "Stop s": time.monotonic() - started}
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, action="append", required=True, help="a built site (repeatable)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    servers = [serve(site) for site in args.site]
    results: dict[Path, list[dict]] = {site: [] for site in args.site}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(args.rounds):
            for site, (_, url) in zip(args.site, servers):
                measured = {**many_lines(browser, url, args.lines), **flood_then_stop(browser, url, args.seconds)}
                results[site].append(measured)
                print(f"{site}: {results[site][-1]}", file=sys.stderr)
        browser.close()
    names = list(results[args.site[0]][0])
    print("| median of %d rounds | %s |" % (args.rounds, " | ".join(str(site) for site in args.site)))
    print("| --- |" + " --- |" * len(args.site))
    for name in names:
        print(
            f"| {name} | "
            + " | ".join(f"{statistics.median(r[name] for r in results[site]):.1f}" for site in args.site)
            + " |"
        )
    for server, _ in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
