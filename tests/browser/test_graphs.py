"""Autograd graphs on the built site, in real Chromium: the live "Show graph" drawing looks like the build-time
diagram (palette, module boxes, labels inside their boxes, the picked node's path), and both read on a phone
(zoom buttons, drag to pan)."""

from __future__ import annotations

import pytest
from browser_support import wait_ready

BUILT = "figure.autograd-graph[id$='-figure']"  # the build writes an id on its figures; the runner's have none
LIVE = "figure.nn-graph"
PAGES = ["loss/", "backprop/"]  # the pages with a diagram of LeNet's loss and a cell that computes it


def show_live_graph(page, url: str):
    """Open the page, run its first cell (it computes `loss`) and press its Show graph; the live figure."""
    page.goto(url)
    wait_ready(page)
    first = page.locator(".nn-cell").first
    first.get_by_role("button", name="Run", exact=True).click()
    page.evaluate("() => window.nnRunner.page.queue")  # the run ended (on a busy machine, well past a minute)
    first.get_by_role("button", name="Show graph").click()
    figure = first.locator(LIVE)
    figure.locator("svg g.node").first.wait_for()
    return figure


LUMINANCE = """(figure) => {
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/[\\d.]+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  };
  const root = figure.querySelector("g.ag-root");
  return {
    text: luminance(getComputedStyle(root.querySelector("text")).fill),
    box: luminance(getComputedStyle(root.querySelector("path, polygon")).fill),
    backgrounds: [figure, ...figure.querySelectorAll(".ag-viewport, svg")].map(
      (element) => getComputedStyle(element).backgroundColor),
  };
}"""


@pytest.mark.parametrize(("scheme", "dark"), [("light", False), ("dark", True)])
def test_live_graph_follows_the_palette_as_the_build_time_one_does(browser, site_url, scheme, dark):
    context = browser.new_context(color_scheme=scheme)  # Material follows the system's scheme on a first visit
    page = context.new_page()
    page.set_default_timeout(60_000)
    live = show_live_graph(page, site_url + "loss/").evaluate(LUMINANCE)
    built = page.locator(BUILT).first.evaluate(LUMINANCE)
    context.close()
    assert live == built
    assert set(live["backgrounds"]) == {"rgba(0, 0, 0, 0)"}  # the page's own background shows through
    assert (live["text"] > 0.5, live["box"] < 0.5) == (dark, dark)  # light text on dark boxes in slate


LABELS_OUTSIDE_THEIR_BOX = """(figure) => [...figure.querySelectorAll("g.node")].flatMap((node) => {
  const box = node.querySelector("path, polygon").getBBox();
  return [...node.querySelectorAll("text")].filter((text) => {
    const t = text.getBBox();
    return t.x < box.x || t.x + t.width > box.x + box.width || t.y < box.y || t.y + t.height > box.y + box.height;
  }).map((text) => text.textContent);
})"""


@pytest.mark.parametrize("path", PAGES)
def test_every_label_lies_inside_its_box(page, site_url, path):
    live = show_live_graph(page, site_url + path)
    assert live.locator("text", has_text="MaxPool2DWithIndicesBackward0").count() == 2
    assert live.evaluate(LABELS_OUTSIDE_THEIR_BOX) == []
    assert page.locator(BUILT).first.evaluate(LABELS_OUTSIDE_THEIR_BOX) == []


def test_labels_drawn_in_a_wider_font_than_graphviz_measured_still_fit(page, site_url):
    """A reader's system without Helvetica or a metric twin (here: DejaVu Sans, about 10 % wider, bold 17 %)."""
    page.add_init_script("""document.addEventListener("readystatechange", () => {
      const style = document.createElement("style");
      style.textContent = '.autograd-graph svg text { font-family: "DejaVu Sans" !important; }';
      document.head.append(style);
    }, { once: true });""")
    live = show_live_graph(page, site_url + "loss/")
    assert live.locator("text").first.evaluate("(t) => getComputedStyle(t).fontFamily") == '"DejaVu Sans"'
    assert live.evaluate(LABELS_OUTSIDE_THEIR_BOX) == []


DRAWN_TEXT = """(figure) => ({
  clusters: [...figure.querySelectorAll("g.cluster text")].map((t) => t.textContent).sort(),
  leaves: [...figure.querySelectorAll("g.ag-param text:first-of-type")].map((t) => t.textContent).sort(),
})"""


@pytest.mark.parametrize("path", PAGES)
def test_live_graph_boxes_modules_and_names_parameters_as_the_build_time_one_does(page, site_url, path):
    live = show_live_graph(page, site_url + path).evaluate(DRAWN_TEXT)
    assert live == page.locator(BUILT).first.evaluate(DRAWN_TEXT)
    assert live["clusters"] == ["conv1", "conv2", "fc1", "fc2", "fc3"]
    assert "conv1.weight" in live["leaves"]


def test_picking_a_node_of_the_live_graph_highlights_it_and_shows_its_path(page, site_url):
    live = show_live_graph(page, site_url + "loss/")
    node = live.locator("g.ag-param", has_text="fc3.bias")
    node.click()
    assert "ag-selected" in node.get_attribute("class").split()
    assert (
        live.locator(".ag-path")
        .text_content()
        .startswith("loss.grad_fn.next_functions[0][0].next_functions[0][0] · fc3.bias")
    )


SMALLEST_TEXT_PX = """(figure) => Math.min(...[...figure.querySelectorAll("svg text")].map(
  (text) => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a))"""
ZOOM = """(figure) => {
  const svg = figure.querySelector("svg");
  return svg.getBoundingClientRect().width / (svg.viewBox.baseVal.width * 4 / 3);
}"""


def test_on_a_phone_graphs_read_at_11px_and_zoom_from_the_keyboard(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    live = show_live_graph(page, site_url + "loss/")
    built = page.locator(BUILT).first
    for figure in (built, live):
        assert figure.evaluate(SMALLEST_TEXT_PX) >= 11
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # the graph scrolls, not the page

    zoom = live.evaluate(ZOOM)
    live.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Enter")
    assert live.evaluate(ZOOM) == pytest.approx(zoom * 1.25, rel=0.01)
    assert live.locator(".ag-zoom__level").text_content() == f"{round(zoom * 125)}%"
    live.get_by_role("button", name="Fit the graph to the width").focus()
    page.keyboard.press("Enter")
    width = live.evaluate(
        "(figure) => [figure.querySelector('svg').getBoundingClientRect().width,"
        " figure.querySelector('.ag-viewport').clientWidth]"
    )
    assert width[0] == pytest.approx(width[1], abs=1)  # the whole graph, at whatever text size that takes
    fit = live.evaluate(ZOOM)
    page.keyboard.press("Shift+Tab")  # back to Zoom in
    page.keyboard.press("Enter")
    assert live.evaluate(ZOOM) == pytest.approx(fit * 1.25, rel=0.01)
    context.close()


def test_a_mouse_drag_pans_and_a_click_still_picks_a_node(browser, site_url):
    context = browser.new_context(viewport={"width": 700, "height": 900})
    page = context.new_page()
    page.goto(site_url + "loss/")
    figure = page.locator(BUILT).first
    viewport = figure.locator(".ag-viewport")
    viewport.evaluate("(el) => el.scrollIntoView()")  # its top under the pointer, not the header
    scrolled = viewport.evaluate("(el) => [el.scrollLeft, el.scrollWidth > el.clientWidth]")
    assert scrolled[1]  # at 700 px the diagram at its readable size is wider than the column
    box = viewport.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 100
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 100, y, steps=6)
    page.mouse.up()
    assert viewport.evaluate("(el) => el.scrollLeft") == pytest.approx(scrolled[0] + 100, abs=8)
    figure.locator("g.ag-root").click()
    assert figure.locator(".ag-path").text_content().startswith("loss.grad_fn ·")
    context.close()


def test_graphs_reached_by_instant_navigation_get_one_zoom_bar_each(page, site_url):
    page.goto(site_url)
    page.evaluate("() => { window.beforeNavigation = true; }")
    page.locator(".md-nav__link", has_text="Loss function").first.click()
    page.locator(f"{BUILT} .ag-zoom").first.wait_for()
    assert page.evaluate("() => window.beforeNavigation")  # the same document: Material's instant navigation
    assert page.locator(BUILT).count() == page.locator(f"{BUILT} .ag-zoom").count() == 1


ON_PATH = "(figure) => [...figure.querySelectorAll('g.node.ag-on-path text')].map((t) => t.textContent).sort()"


def test_live_graph_highlights_the_walk_the_pages_diagram_highlights(page, site_url):
    # loss.md's diagram after the first cell says `highlight: 0 0`: the live graph of the same tensor does too.
    live = show_live_graph(page, site_url + "loss/").evaluate(ON_PATH)
    built = page.locator(BUILT).first.evaluate(ON_PATH)
    assert "MseLossBackward0" in built and len(built) >= 3
    assert live == built
