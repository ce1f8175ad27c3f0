"""Material's code annotations (`# (1)!` comments and the notes list after the block) in the cell editor, and
Shift+Enter running a cell, in real Chromium against the site built with the real plugin.

Expected notes and outputs are the build's (the page's HTML and nn-page data), never typed here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from browser_support import page_data, wait_editors, wait_ready
from playwright.sync_api import expect

PAGE = "define/"  # "Define the network": LeNet (cell 0) carries three annotations
RAW_MARKER = re.compile(r"#\s*\(\d+\)!")


def build_notes(site_dir, path: str, index: int) -> list[str]:
    """The text of each <li> of the notes list the build placed in cell `index` (whitespace collapsed)."""

    class Notes(HTMLParser):
        def __init__(self):
            super().__init__()
            self.in_cell = self.done = False
            self.depth = 0  # <li> nesting inside the list
            self.notes: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if "nn-cell" in (attrs.get("class") or "").split() and attrs.get("data-cell") == str(index):
                self.in_cell = True
            elif self.in_cell and not self.done and tag == "ol" and self.notes is None:
                self.notes = []
            elif self.notes is not None and not self.done and tag == "li":
                self.depth += 1
                if self.depth == 1:
                    self.notes.append("")

        def handle_endtag(self, tag):
            if self.notes is not None and tag == "li":
                self.depth -= 1
            elif self.notes is not None and tag == "ol":
                self.done = True

        def handle_data(self, data):
            if self.notes and not self.done and self.depth:
                self.notes[-1] += data

    parser = Notes()
    parser.feed((site_dir / path / "index.html").read_text(encoding="utf-8"))
    return [" ".join(note.split()) for note in parser.notes or []]


def cell(page, index: int):
    return page.locator(f'.nn-cell[data-cell="{index}"]')


def editor_code(page, index: int) -> str:
    return page.evaluate("(i) => window.nnRunner.page.cells[i].editor.state.doc.toString()", index)


def output_text(page, index: int) -> str:
    return cell(page, index).locator(".nn-output code").text_content()


def test_annotation_comments_are_markers_that_open_the_builds_notes(page, site_dir, site_url):
    notes = build_notes(site_dir, PAGE, 0)
    assert len(notes) == 3 and notes[0]
    page.goto(site_url + PAGE)
    wait_editors(page)
    lenet = cell(page, 0)
    # The markers replace the comments on screen; the build's list is hidden once the editor shows the notes.
    markers = lenet.locator(".nn-editor").get_by_role("button", name=re.compile(r"^Annotation \d+$"))
    expect(markers).to_have_count(3)  # drawn once the editor has parsed the code
    assert not RAW_MARKER.search(lenet.locator(".cm-content").inner_text())
    assert lenet.locator(":scope > ol").is_hidden()

    first = lenet.get_by_role("button", name="Annotation 1", exact=True)
    first.click()
    note = lenet.get_by_role("note", name="Annotation 1")
    assert " ".join(note.inner_text().split()) == notes[0]
    assert first.get_attribute("aria-expanded") == "true"
    assert first.get_attribute("aria-controls") == note.get_attribute("id")
    assert note.locator("code").count() == 1  # the note's HTML, not just its text

    page.keyboard.press("Escape")
    assert note.count() == 0
    assert first.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Annotation 1"

    # Keyboard: Enter opens a marker's note, Tab reaches the note's link, Escape closes it and returns to the marker.
    second = lenet.get_by_role("button", name="Annotation 2", exact=True)
    second.focus()
    page.keyboard.press("Enter")
    note = lenet.get_by_role("note", name="Annotation 2")
    assert " ".join(note.inner_text().split()) == notes[1]
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('[role=note]') !== null")
    page.keyboard.press("Escape")
    assert note.count() == 0
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Annotation 2"


def test_edited_markers_follow_the_comments(page, site_url):
    page.goto(site_url + PAGE)
    wait_editors(page)
    lenet = cell(page, 0)
    # A `# (N)!` with no note N stays text; a marker whose comment is edited away goes with it.
    page.evaluate("""() => {
      const view = window.nnRunner.page.cells[0].editor;
      const doc = view.state.doc.toString();
      const at = doc.indexOf("# (3)!");
      view.dispatch({ changes: [{ from: at, to: at + 6, insert: "# three" }, { from: 0, insert: "# (9)!\\n" }] });
    }""")
    assert lenet.locator(".nn-annotation").count() == 2
    text = lenet.locator(".cm-content").inner_text()
    assert "# (9)!" in text and "# three" in text


def test_annotated_cell_runs_the_builds_code_and_prints_the_builds_output(page, site_dir, site_url):
    data = page_data(site_dir, PAGE)
    page.goto(site_url + PAGE)
    wait_ready(page)
    # The comments stay in the document: the code that runs is the code the build ran.
    assert editor_code(page, 0) == data["cells"][0]["code"]
    assert RAW_MARKER.search(editor_code(page, 0))
    cell(page, 1).get_by_role("button", name="Run", exact=True).click()  # runs cell 0 (LeNet) first
    page.evaluate("() => window.nnRunner.page.queue")
    for index in (0, 1):
        assert cell(page, index).locator(".nn-output").get_attribute("data-origin") == "browser"
        assert output_text(page, index) == data["cells"][index]["output"], f"cell {index}"


def test_shift_enter_runs_the_cell_without_inserting_a_newline(page, site_dir, site_url):
    data = page_data(site_dir, PAGE)
    page.goto(site_url + PAGE)
    wait_ready(page)
    code = editor_code(page, 1)
    cell(page, 1).locator(".cm-line").first.click()
    page.keyboard.press("End")  # Enter here would add a line
    page.keyboard.press("Shift+Enter")
    assert editor_code(page, 1) == code
    page.evaluate("() => window.nnRunner.page.queue")
    assert cell(page, 1).locator(".nn-output").get_attribute("data-origin") == "browser"
    assert output_text(page, 1) == data["cells"][1]["output"]
