"""Search and the notebook pages in real Chromium, as a reader uses them: searching lists each page once and shows
its prose, not diagram labels; the sidebar names each page once; a notebook page shows its diagrams and
admonitions, and its table of contents has its headings whole."""

from __future__ import annotations

import re

import pytest

DIAGRAM_PAGE = "loss/"  # a page with an autograd diagram and a warning admonition


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def search(page, site_url: str, query: str) -> list[dict]:
    """Type `query` into Material's search box; each result (one per page) as its links and its text."""
    page.goto(site_url)
    page.locator(".md-search__input").click()
    page.keyboard.type(query)  # keystrokes, as Material listens for them
    page.locator(".md-search-result__item").first.wait_for()
    return page.evaluate("""() => [...document.querySelectorAll(".md-search-result__item")].map((item) => ({
        links: [...item.querySelectorAll("a.md-search-result__link")].map((link) => link.href),
        text: item.innerText,
    }))""")


def diagram_labels(page, url: str) -> list[str]:
    """The drawn labels of a page's autograd diagram nodes that carry a shape, as "AccumulateGrad[10]"."""
    page.goto(url)
    labels = page.locator("figure.autograd-graph svg g.node").evaluate_all(
        "(nodes) => nodes.map((node) => [...node.querySelectorAll('text')].map((text) => text.textContent).join(''))"
    )
    return [compact(label) for label in labels if "[" in label]


def test_search_lists_each_page_once_with_its_prose_not_its_diagram(page, site_url):
    labels = diagram_labels(page, site_url + DIAGRAM_PAGE)
    assert len(labels) >= 10
    results = search(page, site_url, "backward")
    pages = [re.sub(r"[?#].*", "", result["links"][0]) for result in results]
    assert site_url + DIAGRAM_PAGE in pages and site_url + "backprop/" in pages
    assert not [url for url in pages if "/notebooks/" in url]  # a page's notebook repeats the page
    assert len(pages) == len(set(pages))
    for result in results:
        text = compact(result["text"])
        assert not [label for label in labels if label in text], result["text"][:300]


def sidebar_titles(page) -> list[str]:
    """The titles the left sidebar shows (Material also writes the current page's title into a hidden label, and
    the page's table of contents into the sidebar for small screens)."""
    links = page.locator(".md-sidebar--primary .md-nav--primary .md-nav__link:not(.md-nav--secondary *)")
    return links.evaluate_all("""(links) => links.filter((link) => link.checkVisibility())
        .map((link) => link.innerText.trim()).filter(Boolean)""")


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("define/", "Define the network"),
        ("notebooks/neural-networks/", "The whole tutorial"),
        ("notebooks/define/", "Define the network (notebook)"),  # linked from its page, told apart from it
    ],
)
def test_sidebar_names_each_page_once(page, site_url, path, title):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(site_url + path)
    titles = sidebar_titles(page)
    assert len(titles) == len(set(titles)), titles
    assert "Define the network" in titles and "The whole tutorial" in titles
    assert page.title() == f"{title} - Neural Networks, runnable"


def test_notebook_page_shows_the_diagram_and_the_admonition_as_the_page_does(page, site_url):
    page.goto(site_url + "notebooks/" + DIAGRAM_PAGE)
    notebook = page.locator(".jupyter-wrapper")
    image = notebook.locator("img[src^='data:image/svg+xml']")
    assert image.count() == 1
    image.scroll_into_view_if_needed()
    size = image.evaluate("(img) => [img.naturalWidth, img.getBoundingClientRect().height]")
    assert size[0] > 100 and size[1] > 100  # decoded and drawn, not a broken-image icon
    assert "Autograd graph of loss" in image.get_attribute("alt")
    assert notebook.get_by_text("Diagram on the site").count() == 0
    warning = notebook.locator(".admonition.warning")
    assert warning.locator(".admonition-title").inner_text() == "The old comment # ReLU is wrong"
    assert warning.evaluate("(box) => getComputedStyle(box).borderLeftColor") != "rgba(0, 0, 0, 0)"


def test_whole_tutorial_table_of_contents_keeps_inline_code(page, site_url):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(site_url + "notebooks/neural-networks/")
    toc = page.locator(".md-sidebar--secondary .md-nav--secondary")
    entry = toc.get_by_role("link", name="net(x) or net.forward(x)?", exact=True)
    assert entry.count() == 1
    assert toc.get_by_role("link", name="With torch.optim", exact=True).count() == 1
    entry.click()
    page.wait_for_function("() => location.hash === '#netx-or-netforwardx'")
    heading = page.locator("#netx-or-netforwardx")
    assert heading.locator("code").all_inner_texts() == ["net(x)", "net.forward(x)"]
    assert heading.is_visible()
