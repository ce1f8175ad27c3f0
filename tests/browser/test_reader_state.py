"""What the reader's work survives: edits to the model reach every cell that uses it, edits outlive navigation
and reloads, and no runaway cell, navigation or restart leaves the page without a working Python.

The site is served as a project site is (under /tutorial/ on a random port: conftest.py).
"""

from __future__ import annotations

from browser_support import cell, editor_code, open_page, output_text, pages_with_cells, set_code, wait_idle, wait_ready


def run_cell(page, index: int):
    cell(page, index).get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)


def navigate(page, target: str):
    """Follow the sidebar's link to `target` (instant navigation) and wait for its page runner."""
    page.locator(f'nav a[href$="{target}"]').first.click()
    page.wait_for_function(
        f"() => location.pathname.endsWith('/{target}') && window.nnRunner?.page?.data.page === '{target}'"
    )


def test_an_edit_to_the_network_below_its_user_reaches_it(page, site_url):
    # "Inside the layers" shows lenet.py whole as cell 4, after cell 1 that imports it: the edit still counts.
    open_page(page, site_url + "layers/")
    module = next(
        i
        for i, c in enumerate(page.evaluate("() => window.nnRunner.page.data.cells"))
        if c["source"].endswith("lenet.py") and not c["section"]
    )
    assert module > 0
    edited = editor_code(page, module).replace("nn.Linear(120, 84)", "nn.Linear(120, 64)")
    set_code(page, module, edited.replace("nn.Linear(84, 10)", "nn.Linear(64, 10)"))
    run_cell(page, 0)
    assert "f6      (4, 64)" in output_text(page, 0)
    assert "output  (4, 10)" in output_text(page, 0)


def test_edits_outlive_navigation_and_reload_until_reset(page, site_dir, site_url):
    first, second = pages_with_cells(site_dir)[:2]
    open_page(page, site_url + first)
    original = editor_code(page, 0)
    mark = cell(page, 0).locator(".nn-cell__edited")
    assert mark.is_hidden()
    set_code(page, 0, "print('my edit')")
    assert mark.is_visible()
    navigate(page, second)
    assert editor_code(page, 0) != "print('my edit')"  # that page's own cell, not the edit
    page.go_back()
    page.wait_for_function(f"() => window.nnRunner?.page?.data.page === '{first}'")
    assert editor_code(page, 0) == "print('my edit')"
    assert mark.is_visible()
    page.reload()
    wait_ready(page)
    assert editor_code(page, 0) == "print('my edit')"
    run_cell(page, 0)
    assert output_text(page, 0) == "my edit\n"
    cell(page, 0).get_by_role("button", name="Reset").click()
    assert editor_code(page, 0) == original
    assert mark.is_hidden()
    page.reload()
    wait_ready(page)
    assert editor_code(page, 0) == original


def test_navigating_away_from_a_runaway_cell_leaves_a_working_session(page, site_dir, site_url):
    first, second = pages_with_cells(site_dir)[:2]
    open_page(page, site_url + first)
    set_code(page, 0, "while True:\n    pass")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("() => window.nnRunner.page.cells[0].busy")
    navigate(page, second)
    wait_ready(page)
    set_code(page, 0, "print('alive')")
    run_cell(page, 0)
    assert output_text(page, 0) == "alive\n"


def test_restart_recovers_from_a_runaway_cell(page, site_dir, site_url):
    open_page(page, site_url + pages_with_cells(site_dir)[0])
    set_code(page, 0, "x = 1\nwhile True:\n    pass")
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("() => window.nnRunner.page.cells[0].busy")
    page.get_by_role("button", name="Restart").click()
    page.wait_for_function("() => /restarted/.test(document.querySelector('.nn-pagebar__status').textContent)")
    set_code(page, 0, "print('x' in globals())")
    run_cell(page, 0)
    assert output_text(page, 0) == "False\n"


def test_each_cell_shows_the_number_its_tracebacks_use(page, site_url):
    open_page(page, site_url + "define/")
    numbers = cell(page, 0).page.locator(".nn-cell__number").all_text_contents()
    assert numbers == [f"cell {i}" for i in range(1, len(numbers) + 1)]
    set_code(page, 1, "1 / 0")
    run_cell(page, 1)
    assert 'File "<cell 2>", line 1' in output_text(page, 1)


def test_a_package_the_browser_lacks_fails_at_once_and_says_where_to_run_it(page, site_dir, site_url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, site_url + pages_with_cells(site_dir)[0])
    # numpy: the in-browser torch says it has none; any other package: the runner says what the browser has.
    for package, says in (("numpy", "run this snippet locally"), ("pandas", "use Download .ipynb or .py")):
        set_code(page, 0, f"import {package}")
        run_cell(page, 0)
        text = output_text(page, 0)
        assert text.startswith("Traceback"), text  # no "Failed to fetch" line first
        assert "ModuleNotFoundError" in text and says in text, text
        assert not [url for url in requests if package in url]
