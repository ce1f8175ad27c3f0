"""The editor (CodeMirror, most of the runner's bytes) loads after the page's first output, or as soon as the
reader reaches for the code: until then the cells show the build's highlighted code (page.js, issue 13)."""

from __future__ import annotations

import pytest
from browser_support import cell, pages_with_cells, wait_editors
from support import WATCH_FIRST_OUTPUT


def editor_requested_at(page) -> float | None:
    return page.evaluate(
        "() => performance.getEntriesByType('resource').find((e) => e.name.endsWith('/runner/editor.js'))?.startTime"
    )


def test_the_editor_is_fetched_after_the_first_output(page, site_url):
    page.add_init_script(WATCH_FIRST_OUTPUT)
    page.goto(site_url + "forward-backward/")  # its first cell prints
    cell(page, 0).get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("() => window.firstOutputMs !== undefined")
    assert cell(page, 0).locator(".highlight").is_visible()  # the build's code, until the editor comes
    wait_editors(page)
    assert editor_requested_at(page) > page.evaluate("() => window.firstOutputMs")
    assert cell(page, 0).locator(".highlight").is_hidden() and cell(page, 0).locator(".cm-editor").is_visible()


def test_clicking_the_code_before_python_is_ready_puts_the_caret_there_in_an_editor(page, site_url, site_dir):
    held = []  # Python's standard library, held back: Python cannot be ready during the test
    page.context.route("**/python_stdlib_session.zip", lambda route: held.append(route))
    page.goto(site_url + pages_with_cells(site_dir)[0])
    cell(page, 1).locator(".highlight code").click(position={"x": 2, "y": 4})  # the start of the first line
    wait_editors(page)
    assert page.evaluate("() => window.nnRunner.python.status.phase") == "downloading"  # not waiting for Python
    assert page.evaluate("() => document.activeElement.closest('.nn-cell')?.dataset.cell") == "1"
    page.keyboard.insert_text("# mine\n")
    assert page.evaluate("() => window.nnRunner.page.cells[1].currentCode()").startswith("# mine\n")
    assert held  # the worker's request was the one held
    held[0].continue_()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_output_stays_put_when_the_editor_replaces_the_code(browser, site_url, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    held = []  # Python held back: nothing mounts the editors until the test asks
    page.context.route("**/python_stdlib_session.zip", lambda route: held.append(route))
    page.goto(site_url + "forward-backward/")
    page.wait_for_function("() => window.nnRunner?.page")
    where = """() => {
      const root = document.querySelector('.nn-cell[data-cell="0"]');
      const top = (el) => el.getBoundingClientRect().top - root.getBoundingClientRect().top;
      return [top(root.querySelector('.nn-output')), root.querySelector('.cm-editor') !== null];
    }"""
    before, had_editor = page.evaluate(where)
    page.evaluate("() => window.nnRunner.page.mountEditors()")
    after, has_editor = page.evaluate(where)
    assert (had_editor, has_editor) == (False, True)
    assert abs(after - before) <= 3, (before, after)
    held[0].continue_()
    page.close()
