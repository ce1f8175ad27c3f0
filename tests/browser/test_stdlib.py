"""The worker boots from the compiled part of the standard library the pages read (browser_torch/stdlib.py);
a module left out is fetched, with the rest of the library, when a cell first imports it."""

from __future__ import annotations

from browser_support import cell, open_page, output_text, pages_with_cells, set_code, wait_idle

FULL = "/lib/python_stdlib.zip"

# Each [status text, progress bar out of sight] the page bar shows from now on.
RECORD_BAR = """() => {
  window.barStates = [];
  const bar = document.querySelector(".nn-pagebar");
  new MutationObserver(() => {
    const state = [bar.querySelector(".nn-pagebar__status").textContent, getComputedStyle(
      bar.querySelector(".nn-pagebar__progress")).visibility === "hidden"];
    if (JSON.stringify(state) !== JSON.stringify(window.barStates.at(-1))) window.barStates.push(state);
  }).observe(bar, { subtree: true, childList: true, characterData: true, attributes: true });
}"""


def run(page, code: str) -> str:
    set_code(page, 0, code)
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    return output_text(page, 0)


def test_a_page_runs_on_the_compiled_part_and_a_cell_can_import_any_of_the_rest(page, site_url, site_dir):
    open_page(page, site_url + pages_with_cells(site_dir)[0])
    page.evaluate("() => window.nnRunner.page.runAll()")
    wait_idle(page)
    booted = run(
        page,
        f"import os, re, sys\nprint(os.path.exists({FULL!r}), re.__spec__.origin)\n"
        "print(sorted(n for n, m in sys.modules.items() if 'python_stdlib' in (getattr(m, '__file__', '') or '')))",
    )
    assert booted == f"False /lib/python{314}.zip/re/__init__.pyc\n[]\n"  # the boot's zip, compiled; nothing else
    page.evaluate(RECORD_BAR)
    imported = run(
        page,
        "import email.mime.text, json, os, xml.dom.minidom as dom\n"
        "print(email.mime.text.MIMEText('hi').get_payload(), dom.parseString('<a/>').documentElement.tagName)\n"
        f"print(os.path.exists({FULL!r}), email.mime.text.__file__, json.dumps([1]))",
    )
    assert imported == f"hi a\nTrue {FULL}/email/mime/text.py [1]\n"
    # The cell waited on a download, and the page bar said so while it lasted (with a moving bar: no byte counts).
    assert page.evaluate("window.barStates") == [["Downloading more of Python…", False], ["Python ready.", True]]
    assert "ModuleNotFoundError: No module named 'no_such_module'" in run(page, "import no_such_module")


def test_a_failed_download_of_the_rest_says_so_and_the_next_import_tries_again(page, site_url, site_dir):
    blocked = []
    page.context.route("**/python_stdlib.zip", lambda route: (blocked.append(route.request.url), route.abort()))
    open_page(page, site_url + pages_with_cells(site_dir)[0])
    failed = run(page, "import email.mime.text")
    assert blocked and "ImportError: could not download the rest of Python's standard library" in failed
    page.context.unroute("**/python_stdlib.zip")
    assert run(page, "import email.mime.text\nprint(email.mime.text.MIMEText('back').get_payload())") == "back\n"
