"""Time to "Python ready" and page-to-page time in Debian's Chromium, with the site served two ways side by side.

    .venv/bin/python site_src/benchmarks/navigation.py [--site DIR] [--rounds 5] [--page define/]

Serves one built site (DIR, built with `mkdocs build -d DIR` first if it does not exist; a temporary build without
--site) at the root of http://127.0.0.1:8000/, the address `mkdocs serve` uses, and under /tutorial/ on a random
port, as the browser tests and a project site on GitHub Pages serve it. Port 8000 must be free. Each round, for
each address in turn (the order alternating between rounds), in a fresh browser context (cold HTTP cache, no
service worker):
- cold load: open --page, time from navigation until its status says "Python ready" (booted, imports done);
- page to page: click the footer's "Next" link, time from the click until the next page's status says "Python
  ready" again, and whether `window.nnRunner.python` is still the same object (instant navigation kept the page,
  its worker and Python: no full reload).
Ratios are medians of each round's ratio (random port / 8000): a slow moment of the machine slows both.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from browser_boot import CHROMIUM, CHROMIUM_ARGS, Handler, Server, build_site
from playwright.sync_api import sync_playwright

FIXED = ("127.0.0.1", 8000)
SUB_PATH = "/tutorial/"

# Records when a page bar's status first says "Python ready", as an absolute time (ms since the epoch, so that it
# compares with the click even across a full page load). Each bar counts once: after instant navigation the next
# page's bar is a new element, and the previous page's, still saying "Python ready" for a moment, is marked seen.
WATCH_READY = """
new MutationObserver(() => {
  const status = document.querySelector(".nn-pagebar__status");
  if (status && !status.dataset.benchSeen && status.textContent.startsWith("Python ready")) {
    status.dataset.benchSeen = "1";
    window.benchReadyAt = performance.timeOrigin + performance.now();
  }
}).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"""

# Clicks the footer's Next link; returns the click time and the next page's address.
CLICK_NEXT = """() => {
  const next = document.querySelector("a.md-footer__link--next");
  window.benchReadyAt = undefined;
  window.benchPython = window.nnRunner.python;
  const clickedAt = performance.timeOrigin + performance.now();
  next.click();
  return [clickedAt, next.href];
}"""


class SubPathHandler(Handler):
    """The site under SUB_PATH only; any other path is a 404, as on a host where the site is one folder."""

    def translate_path(self, path):
        if not path.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(SUB_PATH) :])


def start(server: Server) -> Server:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_both(site: Path) -> tuple[list[tuple[str, str]], list[Server]]:
    """[(name, url)] of the two addresses, and their servers. Exits with a message if port 8000 is taken."""
    try:
        fixed = start(Server(FIXED, functools.partial(Handler, directory=str(site))))
    except OSError as error:
        sys.exit(
            f"navigation.py: cannot serve on http://127.0.0.1:8000/ ({error.strerror}): port 8000 is busy, "
            f"perhaps `make serve` or `mkdocs serve`. Stop it and run again."
        )
    random = start(Server(("127.0.0.1", 0), functools.partial(SubPathHandler, directory=str(site))))
    port = random.server_address[1]
    addresses = [
        ("127.0.0.1:8000/", "http://127.0.0.1:8000/"),
        (f"127.0.0.1:{port}{SUB_PATH}", f"http://127.0.0.1:{port}{SUB_PATH}"),
    ]
    return addresses, [fixed, random]


def measure(browser, url: str, first_page: str) -> dict:
    """One cold load of `first_page` and one step to the next page, in a fresh context."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.add_init_script(WATCH_READY)
    page.goto(url + first_page, wait_until="commit")
    page.wait_for_function("() => window.benchReadyAt !== undefined")
    cold_ms = page.evaluate("() => window.benchReadyAt - performance.timeOrigin")
    clicked_at, next_url = page.evaluate(CLICK_NEXT)
    page.wait_for_function("(url) => location.href === url && window.benchReadyAt !== undefined", arg=next_url)
    ready_at, same_python = page.evaluate("() => [window.benchReadyAt, window.nnRunner.python === window.benchPython]")
    context.close()
    return {"cold": cold_ms, "step": ready_at - clicked_at, "same": same_python, "next": next_url[len(url) :]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="a site built with `mkdocs build -d DIR` (built there if missing)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--page", default="define/", help="the page loaded cold; its Next link is followed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="navigation-") as tmp:
        site = args.site or Path(tmp) / "site"
        if not (site / "index.html").exists():
            build_site(site)
        addresses, servers = serve_both(site)
        results: dict[str, list[dict]] = {name: [] for name, _ in addresses}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for round_ in range(args.rounds):
                for name, url in addresses[:: 1 if round_ % 2 == 0 else -1]:
                    results[name].append(measure(browser, url, args.page))
            browser.close()
        for server in servers:
            server.shutdown()
    report(args, addresses, results)


def report(args, addresses, results):
    (fixed, _), (random, _) = addresses
    next_page = results[fixed][0]["next"]
    print(f"Chromium {CHROMIUM}, {args.rounds} rounds, fresh context each (cold cache, no service worker)")
    print(f"  {'median ms':<40} {fixed:>16} {random:>26} {'random/8000':>12}")
    rounds = []
    for key, label in (
        ("cold", f"{args.page} cold load -> Python ready"),
        ("step", f"{args.page} -> {next_page} -> Python ready"),
    ):
        fixed_ms, random_ms = ([r[key] for r in results[name]] for name in (fixed, random))
        ratio = statistics.median(a / b for a, b in zip(random_ms, fixed_ms))
        print(
            f"  {label:<40} {statistics.median(fixed_ms):>16.0f} {statistics.median(random_ms):>26.0f} {ratio:>12.3f}"
        )
        rounds += [f"  {label}, {fixed}: {each(fixed_ms)}", f"  {label}, {random}: {each(random_ms)}"]
    same = [f"{sum(r['same'] for r in results[name])}/{len(results[name])}" for name in (fixed, random)]
    print(f"  {'same Python object after the click':<40} {same[0]:>16} {same[1]:>26}")
    print("each round, ms:", *rounds, sep="\n")


def each(values: list[float]) -> str:
    return ", ".join(f"{value:.0f}" for value in values)


if __name__ == "__main__":
    main()
