"""The page runner in real Chromium, against the site built with the real plugin.

Expected outputs are the build-time outputs real PyTorch printed (the page's own nn-page data), never typed here.
"""

from __future__ import annotations

import re
import time

import pytest
from browser_support import (
    cell,
    editor_code,
    open_page,
    output_text,
    page_data,
    pages_with_cells,
    set_code,
    wait_idle,
    wait_ready,
)
from support import TUTORIAL_PAGES, mask_addresses, page_url


@pytest.fixture(scope="module")
def first_page(site_dir) -> str:
    return pages_with_cells(site_dir)[0]


@pytest.mark.parametrize("path", [page_url(page) for page in TUTORIAL_PAGES])
def test_run_all_prints_the_build_time_output_and_stays_on_the_origin(page, site_dir, site_url, path):
    assert path in pages_with_cells(site_dir)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, site_url + path)
    page.get_by_role("button", name="Run all").click()
    page.wait_for_function("() => document.querySelectorAll('.nn-output[data-origin=browser]').length > 0")
    wait_idle(page)
    for expected in page_data(site_dir, path)["cells"]:
        shown = output_text(page, expected["cell"])
        assert mask_addresses(shown) == mask_addresses(expected["output"]), f"cell {expected['cell']}"
    assert [url for url in requests if not url.startswith(site_url)] == []


def test_edited_cell_runs_with_ctrl_enter_and_reset_restores_the_code(page, site_dir, site_url, first_page):
    open_page(page, site_url + first_page)
    original = page_data(site_dir, first_page)["cells"][0]["code"]
    assert editor_code(page, 0) == original
    set_code(page, 0, 'print("edited", 6 * 7)')
    page.keyboard.press("ControlOrMeta+Enter")
    page.wait_for_function(
        "() => document.querySelector('.nn-cell[data-cell=\"0\"] .nn-output code').textContent.includes('edited 42')"
    )
    assert output_text(page, 0) == "edited 42\n"
    cell(page, 0).get_by_role("button", name="Reset").click()
    assert editor_code(page, 0) == original


@pytest.mark.parametrize("isolated", [False, True], ids=["terminate-worker", "interrupt-buffer"])
def test_stop_ends_a_runaway_cell_within_a_second(page, site_url, isolated_site_url, first_page, isolated):
    open_page(page, (isolated_site_url if isolated else site_url) + first_page)
    assert page.evaluate("() => crossOriginIsolated") is isolated
    set_code(page, 0, "print('spinning')\nwhile True: pass")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    # Python is in the loop (not still starting the run, which on a loaded machine can outlast Stop's grace)
    page.wait_for_function(
        "() => document.querySelector('.nn-cell[data-cell=\"0\"] .nn-output code').textContent === 'spinning\\n'"
    )
    page.wait_for_timeout(300)  # let it spin
    started = time.monotonic()
    cell(page, 0).get_by_role("button", name="Stop").click()
    page.wait_for_function(
        "() => /stopped/i.test(document.querySelector('.nn-cell[data-cell=\"0\"] .nn-output code').textContent)"
    )
    assert time.monotonic() - started < 1.0
    if isolated:
        assert "KeyboardInterrupt" in output_text(page, 0)
    set_code(page, 0, 'print("after stop")')
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('.nn-cell[data-cell=\"0\"] .nn-output code').textContent === 'after stop\\n'"
    )


def test_traceback_uses_the_editor_line_numbers(page, site_url, first_page):
    open_page(page, site_url + first_page)
    set_code(page, 0, 'a = 1\nb = 2\n\nraise ValueError("boom")\n')
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    text = output_text(page, 0)
    assert 'File "<cell 1>", line 4, in <module>' in text
    assert 'raise ValueError("boom")' in text
    assert text.rstrip().endswith("ValueError: boom")
    assert "nn_page_session" not in text  # the runner's own frames are not the reader's


def test_syntax_error_points_at_the_editor_line(page, site_url, first_page):
    open_page(page, site_url + first_page)
    set_code(page, 0, "x = 1\ny = (2\n")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    text = output_text(page, 0)
    assert 'File "<cell 1>", line 2' in text and "SyntaxError" in text
    assert "Traceback" not in text


def test_unsupported_torch_api_names_itself(page, site_url, first_page):
    open_page(page, site_url + first_page)
    set_code(page, 0, "import torch\ntorch.linalg.svd(torch.ones(2, 2))\n")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    assert "NotImplementedError: torch.linalg.svd is not available in the in-browser runtime" in output_text(page, 0)


def test_cells_and_outputs_carry_their_accessibility_attributes(page, site_url, first_page):
    open_page(page, site_url + first_page)
    cells = page.locator(".nn-cell")
    for i in range(cells.count()):
        one = cells.nth(i)
        for name in ("Run", "Stop", "Reset"):
            assert one.get_by_role("button", name=name, exact=True).count() == 1
        assert one.locator(".nn-output").get_attribute("aria-live") == "polite"
        assert one.get_attribute("aria-busy") is None
    set_code(page, 0, "for _ in range(3_000_000): pass\nprint('done')")
    # Every value aria-busy takes, however briefly (a quick run may end before a poll would see it).
    page.evaluate("""() => {
      const root = document.querySelector('.nn-cell[data-cell="0"]');
      self.busyValues = [];
      new MutationObserver(() => self.busyValues.push(root.getAttribute('aria-busy')))
        .observe(root, { attributes: true, attributeFilter: ['aria-busy'] });
    }""")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("() => self.busyValues.includes('true')")
    wait_idle(page)
    assert output_text(page, 0) == "done\n"
    assert cell(page, 0).get_attribute("aria-busy") is None


def test_keyboard_reaches_the_buttons_with_a_visible_focus(page, site_url, first_page):
    open_page(page, site_url + first_page)
    cell(page, 0).locator(".cm-content").click()
    page.keyboard.press("Tab")  # Tab leaves the editor: no keyboard trap
    focused = page.evaluate(
        "() => [document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["Run", "solid"]
    page.keyboard.press("Enter")
    wait_idle(page)
    assert page.locator('.nn-output[data-cell="0"][data-origin="browser"]').count() == 1


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_editor_follows_the_material_palette(page, site_url, first_page, scheme):
    open_page(page, site_url + first_page)
    page.evaluate("(scheme) => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
    colours = page.evaluate("""() => {
        const probe = document.createElement('div');
        probe.style.background = 'var(--md-code-bg-color)';
        probe.style.color = 'var(--md-code-fg-color)';
        document.body.append(probe);
        const editor = getComputedStyle(document.querySelector('.cm-editor'));
        const want = getComputedStyle(probe);
        return [editor.backgroundColor, want.backgroundColor, editor.color, want.color];
    }""")
    assert colours[0] == colours[1] and colours[2] == colours[3]


def test_later_cell_runs_the_earlier_cells_first_and_says_so(page, site_dir, site_url):
    path = next((p for p in pages_with_cells(site_dir) if len(page_data(site_dir, p)["cells"]) >= 3), None)
    if path is None:
        pytest.skip("no page with three cells")
    open_page(page, site_url + path)
    cells = page_data(site_dir, path)["cells"]
    last = cells[-1]["cell"]
    cell(page, last).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    assert re.search(r"Ran cells 1, 2\b", cell(page, last).locator(".nn-cell__note").text_content())
    for earlier in cells[:-1]:
        assert page.locator(f'.nn-output[data-cell="{earlier["cell"]}"]').get_attribute("data-origin") == "browser"
        assert mask_addresses(output_text(page, earlier["cell"])) == mask_addresses(earlier["output"])


def test_instant_navigation_keeps_the_worker_and_starts_a_fresh_session(page, site_dir, site_url):
    # Served from a random port under /tutorial/, as no build could have known: links still navigate instantly.
    first, second = pages_with_cells(site_dir)[:2]
    open_page(page, site_url + first)
    set_code(page, 0, "leftover = 1")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    page.evaluate("() => { window.firstWorker = window.nnRunner.python.worker; }")
    page.locator(f'nav a[href$="{second}"]').first.click()
    page.wait_for_function(
        f"() => location.pathname.endsWith('/{second}') && window.nnRunner?.page?.data.page === '{second}'"
    )
    assert page.evaluate("() => window.firstWorker !== undefined"), "the page reloaded instead of navigating instantly"
    assert page.evaluate("() => window.firstWorker === window.nnRunner.python.worker")
    wait_ready(page)
    set_code(page, 0, "print('leftover' in globals())")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    assert output_text(page, 0) == "False\n"


def test_python_starts_downloading_from_the_head_without_waiting_for_the_runner(page, site_url, first_page):
    # The boot script inlined in <head> starts the worker, which starts Pyodide: with runner.js (the page
    # controller, CodeMirror) never arriving, Pyodide's core is still requested.
    page.route("**/assets/runner/runner.js", lambda route: route.abort())
    with page.expect_request(lambda request: request.url.endswith("/pyodide.asm.wasm"), timeout=60_000):
        page.goto(site_url + first_page)
    assert page.evaluate("() => window.nnRunner === undefined && window.nnEarlyWorker !== undefined")


def test_restart_gives_a_fresh_session(page, site_url, first_page):
    open_page(page, site_url + first_page)
    set_code(page, 0, "counter = globals().get('counter', 0) + 1\nprint(counter)")
    for expected in ("1\n", "2\n"):
        cell(page, 0).get_by_role("button", name="Run", exact=True).click()
        wait_idle(page)
        assert output_text(page, 0) == expected
    page.get_by_role("button", name="Restart").click()
    page.wait_for_function("() => /restarted/.test(document.querySelector('.nn-pagebar__status').textContent)")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    assert output_text(page, 0) == "1\n"


def test_show_graph_draws_the_edited_code(page, site_url):
    open_page(page, site_url + "loss/")
    code = editor_code(page, 0)
    set_code(page, 0, code + "\nloss = loss * 2\n")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    cell(page, 0).get_by_role("button", name="Show graph").click()
    svg = cell(page, 0).locator(".nn-graph svg")
    svg.wait_for()
    assert "MulBackward0" in svg.text_content()
    assert "MseLossBackward0" in svg.text_content()


def test_pages_declare_a_same_origin_content_security_policy(page, site_dir, site_url, first_page):
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    open_page(page, site_url + first_page)
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy and "default-src 'self'" in policy
    assert "http" not in policy  # no other origin named anywhere
    page.get_by_role("button", name="Run all").click()
    wait_idle(page)
    assert violations == []


def test_site_works_offline_after_the_first_load(context, site_url, first_page):
    page = context.new_page()
    open_page(page, site_url + first_page)
    # The service worker registers after Python booted and stores the whole site before it activates.
    page.evaluate("""async () => {
        const worker = (await navigator.serviceWorker.ready).active;
        if (worker.state !== "activated") {
            await new Promise((done) => worker.addEventListener(
                "statechange", () => worker.state === "activated" && done()));
        }
    }""")
    context.set_offline(True)
    page.reload()
    wait_ready(page)
    set_code(page, 0, "print('offline', 1 + 1)")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    assert output_text(page, 0) == "offline 2\n"


def test_editing_the_network_reaches_the_cells_that_import_it(page, site_url):
    # "Define the network" shows lenet.py whole; the cells below it `from lenet import Net`.
    open_page(page, site_url + "define/")
    set_code(page, 0, editor_code(page, 0).replace("nn.Conv2d(1, 6, 5)", "nn.Conv2d(1, 8, 5)"))
    cell(page, 1).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    assert "(conv1): Conv2d(1, 8, kernel_size=(5, 5)" in output_text(page, 1)


def test_traceback_shows_the_readers_frames_only_in_an_error_colour(page, site_url, first_page):
    open_page(page, site_url + first_page)
    set_code(page, 0, "import torch\n\ndef f(x):\n    return x @ x\n\nf(torch.ones(2, 3))\n")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    error = cell(page, 0).locator(".nn-output__error")
    text = error.text_content()
    assert 'File "<cell 1>", line 6' in text and 'File "<cell 1>", line 4, in f' in text
    assert "site-packages" not in text and "nn_page_session" not in text
    assert error.evaluate("(e) => getComputedStyle(e).whiteSpace") == "pre-wrap"
