"""Helpers of the browser tests (fixtures are in conftest.py)."""
from __future__ import annotations

from pathlib import Path

from support import read_page_data

def pages_with_cells(site_dir: Path) -> list[str]:
    """Site-relative URLs of the built pages that hold runnable cells."""
    pages = [path.parent.relative_to(site_dir).as_posix() + "/"
             for path in site_dir.rglob("index.html") if 'id="nn-page"' in path.read_text(encoding="utf-8")]
    return sorted(pages)


def page_data(site_dir: Path, url: str) -> dict:
    """The page's nn-page data, read with an HTML parser as the browser reads it."""
    return read_page_data((site_dir / url / "index.html").read_text(encoding="utf-8"))


def wait_ready(page, timeout_ms: int = 90_000):
    """Until Python has booted and the page's session is open (its imports done)."""
    page.wait_for_function("() => window.nnRunner?.python?.status.phase === 'ready'", timeout=timeout_ms)
    page.evaluate("() => window.nnRunner.python.sessionReady")
