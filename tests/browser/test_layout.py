"""The page bar, the cells' outputs and the download links, as a reader sees them on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest
from browser_support import cell, open_page, output_text, set_code, wait_idle

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every text the page bar's status takes, from the start of the page's scripts, and every height the bar has.
RECORD_STATUS = """
window.statuses = [];
window.barHeights = new Set();
new MutationObserver(() => {
  const status = document.querySelector(".nn-pagebar__status");
  if (!status) return;
  if (status.textContent !== window.statuses.at(-1)) window.statuses.push(status.textContent);
  window.barHeights.add(document.querySelector(".nn-pagebar").getBoundingClientRect().height);
}).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"""


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def sized_page(request, browser):
    context = browser.new_context(viewport=request.param)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_the_download_status_counts_against_the_whole_download(sized_page, site_url):
    sized_page.add_init_script(RECORD_STATUS)
    open_page(sized_page, site_url + "define/")
    statuses = sized_page.evaluate("window.statuses")
    announced = int(sized_page.locator("script[data-download-bytes]").get_attribute("data-download-bytes"))
    progress = [re.fullmatch(r"Downloading Python: ([\d.]+) of ([\d.]+) MB", s) for s in statuses if "of" in s]
    assert progress, statuses
    for match in progress:  # never "0.1 of 0.1 MB": the total is the whole boot's from the first message
        assert float(match[2]) == round(announced / 1e6, 1) > 10
        assert float(match[1]) <= float(match[2])
    assert statuses[-1] == "Python ready."
    help_text = sized_page.locator(".nn-pagebar__help").text_content()
    assert help_text.startswith("Edit any cell, then Run it") and "Stop ends a running cell" in help_text


def test_the_page_bar_keeps_its_height_through_the_boot_and_a_restart(sized_page, site_url):
    # Downloading, starting, loading imports, ready, restarted: the cells under the bar do not move.
    sized_page.add_init_script(RECORD_STATUS)
    open_page(sized_page, site_url + "forward-backward/")
    sized_page.get_by_role("button", name="Restart").click()
    sized_page.wait_for_function("() => /restarted/.test(document.querySelector('.nn-pagebar__status').textContent)")
    statuses = sized_page.evaluate("window.statuses")
    assert statuses[0].startswith("Downloading Python") and "Python ready." in statuses, statuses
    assert len(sized_page.evaluate("[...window.barHeights]")) == 1, statuses


def test_run_all_and_restart_stay_together(sized_page, site_url):
    open_page(sized_page, site_url + "define/")
    run_all = sized_page.get_by_role("button", name="Run all").bounding_box()
    restart = sized_page.get_by_role("button", name="Restart").bounding_box()
    assert run_all["y"] == restart["y"]
    assert restart["x"] > run_all["x"]


def test_the_copy_button_sits_beside_the_output_not_over_it(sized_page, site_url):
    open_page(sized_page, site_url + "define/")
    set_code(sized_page, 1, "print('x' * 300)\nwhile True:\n    pass")
    cell(sized_page, 1).get_by_role("button", name="Run", exact=True).click()
    sized_page.wait_for_function("() => document.querySelectorAll('.nn-output')[1].textContent.includes('xxx')")
    cell(sized_page, 1).get_by_role("button", name="Stop").click()
    wait_idle(sized_page)
    text = output_text(sized_page, 1)
    assert text.startswith("x" * 300 + "\n")  # printed before the loop: not lost when Stop restarts Python
    assert "Stopped" in text
    output = cell(sized_page, 1).locator(".nn-output")
    code = output.locator("code").bounding_box()
    copy = output.locator(".md-code__nav").bounding_box()
    assert copy["x"] >= code["x"] + code["width"]
    # The Stop note wraps inside the output instead of running under the button.
    note = output.locator(".nn-output__note").bounding_box()
    assert note["x"] + note["width"] <= code["x"] + code["width"]


def test_the_download_links_take_little_of_a_phone_screen(browser, site_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "define/")
    bar = page.locator(".nn-downloads").bounding_box()
    assert bar["height"] <= 0.1 * PHONE["height"]
    context.close()
