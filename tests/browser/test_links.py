"""Links out of the site, in real Chromium: the Overview names the tutorial it follows, a link the reader may
follow but nothing the page loads."""

from __future__ import annotations

ORIGINAL = "https://pytorch.org/tutorials/beginner/blitz/neural_networks_tutorial.html"


def test_overview_links_the_original_pytorch_tutorial(page, site_url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url, wait_until="load")
    link = page.locator(f'article a[href="{ORIGINAL}"]')
    assert link.count() == 1
    assert link.is_visible()
    assert "tutorial" in link.inner_text()
    assert [url for url in requests if not url.startswith(site_url)] == []
