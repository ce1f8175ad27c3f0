"""The built site: every cell shows its build-time output, nothing loads from another origin, failures name the line."""

from __future__ import annotations

import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from support import TUTORIAL_PAGES, page_stem, page_url, read_page_data


class CellParser(HTMLParser):
    """Collects each cell's code text and output text from a built page."""

    def __init__(self):
        super().__init__()
        self.cells: dict[int, dict] = {}
        self._stack: list[tuple[str, str | None]] = []  # (tag, what its text feeds)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        feeds = self._stack[-1][1] if self._stack else None
        classes = (attrs.get("class") or "").split()
        if "nn-cell" in classes:
            self.current = self.cells.setdefault(int(attrs["data-cell"]), {"code": "", "output": ""})
            feeds = "cell"
        elif "nn-output" in classes:
            feeds = "in-output"
        elif tag == "code" and feeds in ("cell", "in-output") and any(t == "pre" for t, _ in self._stack):
            feeds = "output" if feeds == "in-output" else "code"
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self._stack.append((tag, feeds))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._stack and self._stack[-1][1] in ("code", "output"):
            self.current[self._stack[-1][1]] += data


def page_data(site: Path, page: str) -> tuple[dict, dict[int, dict]]:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    data = read_page_data(html)
    parser = CellParser()
    parser.feed(html)
    return data, parser.cells


@pytest.mark.parametrize("page", TUTORIAL_PAGES, ids=page_stem)
def test_every_cell_shows_the_code_and_the_output_real_pytorch_printed(built_site, page):
    site, runs = built_site
    data, cells = page_data(site, page_url(page))
    run = runs[page]
    assert data["cells"] and len(cells) == len(run.cells) == len(data["cells"])
    for recorded, shown, cell in zip(data["cells"], (cells[i] for i in sorted(cells)), run.cells):
        assert recorded["output"] == cell.output
        assert shown["output"] == cell.output, f"{page} cell {cell.cell}"
        assert shown["code"].rstrip("\n") == cell.code.rstrip("\n"), f"{page} cell {cell.cell}"
    assert any(c.output for c in run.cells), f"{page} prints nothing"


def test_pages_that_import_lenet_ship_it_to_the_browser(built_site):
    site, _ = built_site
    data, _ = page_data(site, "loss")
    assert "class Net(nn.Module)" in data["modules"]["lenet.py"]


def test_the_shipped_lockfile_lists_only_the_wheels_the_site_ships(built_site):
    """Pyodide's own lockfile lists hundreds of packages the site does not ship; listed, `import numpy` would try
    to fetch one ("Failed to fetch") before failing. The download total the pages announce counts the same files."""
    site, _ = built_site
    pyodide = site / "assets" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert "browser-torch-runtime" in lock["packages"]
    assert all((pyodide / package["file_name"]).is_file() for package in lock["packages"].values())
    fetched = [
        pyodide / "pyodide.asm.wasm",
        pyodide / "python_stdlib_session.zip",  # the rest of the standard library comes on demand
        pyodide / "pyodide-lock.json",
        *(pyodide / p["file_name"] for p in lock["packages"].values()),
    ]
    announced = re.search(r'data-download-bytes="(\d+)"', (site / "loss" / "index.html").read_text(encoding="utf-8"))
    assert int(announced[1]) == sum(path.stat().st_size for path in fetched)


RESOURCE = re.compile(r"""(?:src|href|srcset|content)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""", re.I)
LOADING_TAG = re.compile(r"<(?:script|link|img|iframe|source|video|audio|object|embed)\b[^>]*>", re.I)
CDN_HOSTS = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|fonts\.googleapis|fonts\.gstatic|cdn\.pyodide|esm\.sh|skypack")


def test_built_site_loads_nothing_from_another_origin(built_site):
    """No page or stylesheet loads anything from another origin (no CDN, no Google Fonts).

    Vendored JavaScript (Material's bundle, Pyodide) names CDNs as fallbacks it never takes here; what the
    pages actually request at run time is recorded by the browser tests.
    """
    site, _ = built_site
    checked = 0
    for path in [*site.rglob("*.html"), *site.rglob("*.css")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not CDN_HOSTS.search(text), f"{path.relative_to(site)} names a CDN"
        chunks = [tag[0] for tag in LOADING_TAG.finditer(text)] if path.suffix == ".html" else [text]
        for chunk in chunks:
            if 'rel="canonical"' in chunk:
                continue
            for match in RESOURCE.finditer(chunk):
                url = match[1] or match[2]
                assert not re.match(r"(https?:)?//", url), f"{path.relative_to(site)} loads {url}"
                checked += 1
    assert checked > 50


def test_built_site_names_no_address_of_the_build_machine(built_site):
    """A site built without SITE_URL works wherever it is served: no page, sitemap or script of its own names the
    machine that built it (the old default site_url, http://127.0.0.1:8000/, made every other host reload)."""
    site, _ = built_site
    ours = [
        *site.rglob("*.html"),
        *site.rglob("*.xml"),
        *site.rglob("*.json"),
        *(site / "assets" / "runner").glob("*.js"),
    ]
    assert len(ours) > 20
    for path in ours:
        text = path.read_text(encoding="utf-8", errors="replace")
        machine = re.search(r"127\.0\.0\.1|localhost|0\.0\.0\.0", text)
        assert not machine, f"{path.relative_to(site)} names the build machine"


def test_a_failing_snippet_fails_the_build_with_its_file_and_line(tmp_path, caplog):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets" / "broken.py").write_text("x = 1\nprint(x)\nraise ValueError('boom')\n")
    (tmp_path / "docs" / "index.md").write_text('# Broken\n\n```python\n--8<-- "broken.py"\n```\n')
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent("""\
        site_name: broken
        theme: {name: material, font: false}
        plugins: [tutorial]
        markdown_extensions: [md_in_html, pymdownx.superfences]
        """)
    )
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    with pytest.raises((PluginError, Abort)):
        build(config)
    assert "index.md: snippets/broken.py:3: ValueError: boom" in caplog.text


def test_code_typed_into_markdown_is_refused(tmp_path, caplog):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Typed\n\n```python\nprint('typed')\n```\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: typed\nplugins: [tutorial]\n")
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with pytest.raises((PluginError, Abort)):
        build(config)
    assert "code belongs in snippets/" in caplog.text
