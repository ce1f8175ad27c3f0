"""graph.css and graph.js in Debian's Chromium, on a page styled by Material's own stylesheets: the diagram reads in
the light and the dark scheme, scrolls within a phone's width, find-in-page reaches its text, and a click shows a
node's path."""

from pathlib import Path

import pytest

import material
from tutorial_site.formatters import graph as formatter

pytestmark = pytest.mark.browser

GRAD_GRAPH = Path(__file__).resolve().parents[2] / "site_src" / "grad_graph"
STYLESHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"


@pytest.fixture(scope="module")
def pages(lenet, tmp_path_factory):
    figure = formatter.render({"tensor": "loss", "module": "net", "highlight": "0 0", "id": "lenet"}, lenet)
    links = "".join(f'<link rel="stylesheet" href="{css.as_uri()}">' for css in sorted(STYLESHEETS.glob("*.min.css")))
    folder = tmp_path_factory.mktemp("graph-page")
    for scheme in ("default", "slate"):
        (folder / f"{scheme}.html").write_text(
            f'<!doctype html><html><head><meta name="viewport" content="width=device-width">{links}'
            f'<link rel="stylesheet" href="{(GRAD_GRAPH / "graph.css").as_uri()}"></head>'
            f'<body data-md-color-scheme="{scheme}"><article class="md-typeset">{figure}</article>'
            f'<script src="{(GRAD_GRAPH / "graph.js").as_uri()}"></script></body></html>',
            encoding="utf-8",
        )
    return folder


LUMINANCE = """([selector, property]) => {
  const [r, g, b] = getComputedStyle(document.querySelector(selector))[property].match(/[\\d.]+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


@pytest.mark.parametrize(("scheme", "dark"), [("default", False), ("slate", True)])
def test_colours_follow_the_scheme(browser, pages, scheme, dark):
    page = browser.new_page()
    page.goto((pages / f"{scheme}.html").as_uri())
    text = page.evaluate(LUMINANCE, ["#lenet-n0 text", "fill"])
    box = page.evaluate(LUMINANCE, ["#lenet-n0 path, #lenet-n0 polygon", "fill"])
    assert (text > 0.5, box < 0.5) == (dark, dark)  # light text on dark boxes in slate, the reverse by default
    assert abs(text - box) > 0.4
    page.close()


def test_phone_width_find_and_click(browser, pages):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto((pages / "default.html").as_uri())
    width = page.evaluate("() => document.querySelector('figure .ag-viewport').getBoundingClientRect().width")
    assert 0 < width <= 390  # the diagram, at a size its text reads, scrolls inside the column
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert page.evaluate("() => window.find('fc3.bias')")
    page.click("#lenet-n2")
    assert page.text_content(".ag-path") == "loss.grad_fn.next_functions[0][0].next_functions[0][0] · fc3.bias · [10]"
    page.keyboard.press("Tab")  # keyboard users reach the next node
    assert page.text_content(".ag-path").startswith("loss.grad_fn.next_functions[0][0].next_functions[1][0] ·")
    page.close()
