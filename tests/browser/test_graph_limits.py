"""Show graph on graphs too large to draw (issue 14): Graphviz lays out in a worker, so the page never freezes; a
large graph is summarised (repeats folded) with a message saying so; a layout that takes too long is given up
and the next graph still draws; a variable name with a NUL in it draws."""

from __future__ import annotations

from browser_support import cell, set_code, wait_idle, wait_ready

LIVE = "figure.nn-graph"

# Long tasks (main-thread work of 50 ms or more) from now on; a frozen page shows up as one long task.
WATCH_MAIN_THREAD = """() => {
  window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
  }).observe({ type: "longtask" });
}"""
LONGEST_TASK = "() => Math.max(0, ...window.longTasks)"

CHAIN = """\
import torch
x = torch.ones(3, requires_grad=True)
y = x
for _ in range(400):
    y = y * 1.01 + 0.1
y.sum()
"""


def run_and_show_graph(page, code: str | None = None):
    """Run cell 0 (with `code`, if given) and press its Show graph; the figure it draws into."""
    first = cell(page, 0)
    if code is not None:
        set_code(page, 0, code)
    first.get_by_role("button", name="Run", exact=True).click()
    wait_idle(page)
    page.evaluate(WATCH_MAIN_THREAD)
    first.get_by_role("button", name="Show graph").click()
    return first.locator(LIVE)


def open_loss_page(page, site_url):
    page.goto(site_url + "loss/")
    wait_ready(page)


def test_a_graph_of_800_nodes_is_summarised_quickly_without_freezing_the_page(page, site_url):
    open_loss_page(page, site_url)
    figure = run_and_show_graph(page, CHAIN)
    figure.locator("svg g.ag-folded").wait_for(timeout=5_000)
    assert "× 398" in figure.locator("svg g.ag-folded").text_content()
    assert figure.locator("svg g.node").count() == 7
    assert "Graph summarised: 802 nodes, showing 6; 398 repeats of AddBackward0 → MulBackward0 folded" in (
        figure.locator("figcaption").text_content()
    )
    assert page.evaluate(LONGEST_TASK) < 200


# One layer applied 200 times: its weights' long edges take Graphviz far past the page's limit when drawn whole.
UNSUMMARISED_LOOP = """\
import grad_graph
import torch
grad_graph.to_dot.__kwdefaults__["max_nodes"] = 0  # as if summarising were off
fc = torch.nn.Linear(4, 4)
x = torch.ones(2, 4)
for _ in range(200):
    x = torch.relu(fc(x))
x.sum()
"""
RESTORE = """\
import grad_graph
import torch
grad_graph.to_dot.__kwdefaults__["max_nodes"] = grad_graph.MAX_NODES
w = torch.ones(2, requires_grad=True)
(w * 3).sum()
"""


def test_a_layout_that_takes_too_long_is_given_up_and_the_next_graph_draws(page, site_url):
    open_loss_page(page, site_url)
    run_and_show_graph(page).locator("svg g.node").first.wait_for()  # loads grad_graph into the session
    figure = run_and_show_graph(page, UNSUMMARISED_LOOP)
    message = figure.get_by_text("Could not draw the graph: the graph is too large to lay out here")
    message.wait_for(timeout=30_000)
    assert page.evaluate(LONGEST_TASK) < 200  # the page answered throughout
    figure = run_and_show_graph(page, RESTORE)
    figure.locator("svg g.ag-root").wait_for(timeout=15_000)  # a fresh worker after the abandoned one
    assert figure.locator("svg g.node").count() == 3


NUL_NAME = """\
import torch
globals()["a\\x00b"] = torch.ones(2, requires_grad=True)
loss = (globals()["a\\x00b"] * 2).sum()
loss
"""


def test_a_variable_named_with_a_nul_character_draws(page, site_url):
    open_loss_page(page, site_url)
    figure = run_and_show_graph(page, NUL_NAME)
    figure.locator("svg g.ag-param").wait_for()
    assert figure.locator("svg g.ag-param text").first.text_content() == "a\\x00b"
