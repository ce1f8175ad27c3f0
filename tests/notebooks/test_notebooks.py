"""Notebooks and downloads: every tutorial page's notebook and script run with real PyTorch and print what the page
shows, and the built site holds them, with links that resolve."""

from __future__ import annotations

import base64
import copy
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import nbformat
import pytest

from support import DOCS, ROOT, TUTORIAL_PAGES, mask_addresses, page_url
from support import page_stem as stem
from tutorial_site import fences, notebooks
from tutorial_site.notebooks.kernels import execute

MARKER = re.compile(r"[ \t]*#[ \t]*\(\d+\)!?")  # a code annotation marker, as the page (`!`) or notebook shows it


def printed(cell) -> str:
    """What a notebook code cell printed, as the page shows it: its streams in order. Anything else is a failure."""
    others = [output for output in cell.outputs if output.output_type != "stream"]
    assert not others, f"cell shows more than printed text: {others}"
    return "".join(output.text for output in cell.outputs)


def page_cells(notebook):
    """(page, cell number, notebook cell) for the code cells that come from a page's run."""
    for cell in notebook.cells:
        origin = cell.metadata.get("tutorial", {}) if cell.cell_type == "code" else {}
        if "page" in origin:
            yield origin["page"], origin["cell"], cell


def assert_prints_page_outputs(notebook, runs, pages):
    seen = []
    for page, number, cell in page_cells(notebook):
        recorded = runs[page].cells[number]
        assert MARKER.sub("", cell.source) == MARKER.sub("", recorded.code).rstrip("\n"), (page, number)
        assert mask_addresses(printed(cell)) == mask_addresses(recorded.output), (page, number, recorded.source)
        seen.append((page, number))
    assert seen == [(page, cell.cell) for page in pages for cell in runs[page].cells]


def executed_anew(path: Path):
    """The notebook as a reader downloads it, outputs cleared, executed with nbclient against real PyTorch."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    execute(notebook)
    return notebook


def test_the_build_finds_the_tutorial_pages(built_site):
    """The pages every test area takes from mkdocs.yml's nav (support.TUTORIAL_PAGES) are the pages the build ran
    cells on: a page with cells that the nav leaves out, or a nav page whose cells did not run, fails here."""
    _, runs = built_site
    assert sorted(TUTORIAL_PAGES) == sorted(page for page, run in runs.items() if run.cells)
    assert len(TUTORIAL_PAGES) >= 8


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_page_notebook_is_valid_and_carries_the_page_outputs(built_site, page):
    site, runs = built_site
    notebook = nbformat.read(site / "downloads" / f"{stem(page)}.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert_prints_page_outputs(notebook, runs, [page])


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_page_notebook_executes_and_prints_the_page_outputs(built_site, page):
    site, runs = built_site
    notebook = executed_anew(site / "downloads" / f"{stem(page)}.ipynb")
    nbformat.validate(notebook)
    assert_prints_page_outputs(notebook, runs, [page])


def test_whole_tutorial_notebook_executes_in_one_kernel_and_prints_every_page_output(built_site):
    site, runs = built_site
    path = site / "downloads" / f"{notebooks.WHOLE_TUTORIAL}.ipynb"
    order = list(dict.fromkeys(page for page, _, _ in page_cells(nbformat.read(path, as_version=4))))
    assert order == TUTORIAL_PAGES  # every page, in the order of the nav
    assert_prints_page_outputs(nbformat.read(path, as_version=4), runs, order)  # as shipped
    notebook = executed_anew(path)
    nbformat.validate(notebook)
    assert_prints_page_outputs(notebook, runs, order)  # as a reader runs it, top to bottom


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_downloaded_script_runs_alone_and_prints_the_page_outputs(built_site, page, tmp_path):
    site, runs = built_site
    script = shutil.copy(site / "downloads" / f"{stem(page)}.py", tmp_path)
    result = subprocess.run(
        [sys.executable, "-u", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    expected = "".join(cell.output for cell in runs[page].cells)
    assert mask_addresses(result.stdout + result.stderr) == mask_addresses(expected)


def test_markdown_cells_carry_no_material_only_syntax(built_site):
    site, _ = built_site
    for path in sorted((site / "downloads").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for pattern in (r"^\s*(!!!|\?\?\?|===)\s", r"```autograd-graph", r"--8<--", r"\(\d+\)!", r"\{[:.]"):
                    assert not re.search(pattern, cell.source, re.MULTILINE), (path.name, pattern, cell.source)


def test_admonitions_become_quotes_with_their_kind_and_title(built_site):
    site, _ = built_site
    loss = nbformat.read(site / "downloads" / "loss.ipynb", as_version=4)
    title = "> **Warning: The old comment `# ReLU` is wrong**"
    quotes = [cell.source for cell in loss.cells if cell.source.startswith(title)]
    assert quotes and all(line.startswith(">") for line in quotes[0].splitlines())


SVG_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]+)\]\(data:image/svg\+xml;base64,(?P<data>[A-Za-z0-9+/=]+)\)")


def diagrams_in(notebook) -> list[str]:
    """The SVG documents a notebook's Markdown cells show as images."""
    return [
        base64.b64decode(image["data"]).decode()
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for image in SVG_IMAGE.finditer(cell.source)
    ]


def test_notebooks_show_the_diagrams_their_pages_draw(built_site):
    """Each autograd-graph block of a page is an image in its notebook: Graphviz's standalone SVG, no link away."""
    site, _ = built_site
    fences = {
        stem(page): (DOCS / page).read_text(encoding="utf-8").count("```autograd-graph") for page in TUTORIAL_PAGES
    }
    assert sum(fences.values()) >= 2
    for name, count in [*fences.items(), (notebooks.WHOLE_TUTORIAL, sum(fences.values()))]:
        notebook = nbformat.read(site / "downloads" / f"{name}.ipynb", as_version=4)
        diagrams = diagrams_in(notebook)
        assert len(diagrams) == count, name
        for svg in diagrams:
            assert "<svg" in svg and 'class="node' in svg and "MseLossBackward0" in svg, name
            assert "currentColor" not in svg  # the site's stylesheet colours the inline SVG; this one is standalone
        assert not any("Diagram on the site" in cell.source for cell in notebook.cells), name


def test_notebooks_name_no_colab_without_a_repository(built_site):
    site, _ = built_site
    for path in sorted((site / "downloads").glob("*.ipynb")):
        assert "colab" not in path.read_text(encoding="utf-8").lower(), path.name


@pytest.fixture(scope="module")
def site_with_repository(tmp_path_factory):
    """The site built as a project that names its GitHub repository in mkdocs.yml (repo_url)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = tmp_path_factory.mktemp("site-with-repository")
    build(
        load_config(
            str(ROOT / "mkdocs.yml"),
            site_dir=str(site_dir),
            strict=True,
            repo_url="https://github.com/example-owner/nn-tutorial",
        )
    )
    return site_dir


def test_every_notebook_opens_in_colab_from_the_repository(site_with_repository):
    """Colab opens the notebook the site publishes, from the branch `mkdocs gh-deploy` pushes the site to."""
    site = site_with_repository
    for name in [*map(stem, TUTORIAL_PAGES), notebooks.WHOLE_TUTORIAL]:
        title = nbformat.read(site / "downloads" / f"{name}.ipynb", as_version=4).cells[0].source
        url = f"https://colab.research.google.com/github/example-owner/nn-tutorial/blob/gh-pages/downloads/{name}.ipynb"
        assert f"[Open in Colab]({url})" in title, title
        assert f'href="{url}"' in (site / "notebooks" / name / "index.html").read_text(encoding="utf-8")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.depth = 0  # inside the rendered notebook (.jupyter-wrapper)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "div":
            self.depth += bool(self.depth) or "jupyter-wrapper" in (attributes.get("class") or "")
        if tag == "a" and attributes.get("href"):
            self.links.append({**attributes, "in_notebook": self.depth > 0})

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth -= 1


def links_of(site: Path, html: Path) -> list[dict]:
    parser = Links()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.links


def resolves(site: Path, html: Path, href: str) -> bool:
    page_url = html.relative_to(site).as_posix()
    path = unquote(urlsplit(urljoin(page_url, href)).path)
    target = site / path
    return target.is_file() or (target / "index.html").is_file()


def test_every_tutorial_page_offers_its_notebook_and_downloads_and_they_resolve(built_site):
    site, _ = built_site
    for page in TUTORIAL_PAGES:
        html = site / page_url(page) / "index.html"
        bar = {
            link["href"].split("/")[-2 if link["href"].endswith("/") else -1]: link
            for link in links_of(site, html)
            if "md-button" in (link.get("class") or "")
        }
        assert set(bar) >= {stem(page), f"{stem(page)}.ipynb", f"{stem(page)}.py"}, (page, bar)
        assert bar[f"{stem(page)}.py"]["download"] == f"{stem(page)}.py"
        for link in bar.values():
            assert resolves(site, html, link["href"]), (page, link["href"])
        assert (site / "notebooks" / stem(page) / "index.html").is_file()
    assert (site / "notebooks" / notebooks.WHOLE_TUTORIAL / "index.html").is_file()


def test_every_download_link_on_every_page_resolves(built_site):
    site, _ = built_site
    checked = 0
    for html in sorted(site.rglob("*.html")):
        for link in links_of(site, html):
            href = link["href"]
            if "download" in link or re.match(r"^(\.\./)*(downloads|notebooks)/", href):
                assert resolves(site, html, href), (html.relative_to(site), href)
                checked += 1
    assert checked >= 3 * len(TUTORIAL_PAGES) + 2  # each page's bar, and the Overview's whole-tutorial links


def test_overview_links_the_whole_tutorial_notebook(built_site):
    site, _ = built_site
    hrefs = [link["href"] for link in links_of(site, site / "index.html")]
    assert f"notebooks/{notebooks.WHOLE_TUTORIAL}/" in hrefs
    assert f"downloads/{notebooks.WHOLE_TUTORIAL}.ipynb" in hrefs


@pytest.mark.parametrize("name", [stem(page) for page in TUTORIAL_PAGES] + [notebooks.WHOLE_TUTORIAL])
def test_notebook_page_renders_the_notebook_and_its_links_resolve(built_site, name):
    site, _ = built_site
    html = site / "notebooks" / name / "index.html"
    text = html.read_text(encoding="utf-8")
    assert "jp-Notebook" in text and "jp-OutputArea" in text  # rendered by mkdocs-jupyter, with outputs
    assert "cdnjs" not in text
    assert not re.search(r"""<(script|link)(?![^>]*rel="canonical")[^>]+(src|href)=["']https?:""", text)
    relative = [
        link["href"]
        for link in links_of(site, html)
        if link["in_notebook"] and not urlsplit(link["href"]).scheme and not link["href"].startswith("#")
    ]
    assert all(resolves(site, html, href) for href in relative), relative


def test_notebook_prose_links_point_to_site_pages(built_site):
    site, _ = built_site
    define = site / "notebooks" / "define" / "index.html"
    hrefs = [link["href"] for link in links_of(site, define) if link["in_notebook"]]
    assert "../../layers/#shapes-layer-by-layer" in hrefs  # docs: [Inside the layers](layers.md#shapes-...)
    assert "../../define/" in hrefs  # the notebook's own page on the site


def test_converter_turns_material_syntax_into_plain_markdown(built_site):
    """Containers nest, a cell inside an admonition breaks the quote, annotations keep their list."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from tutorial_site.notebooks.convert import PageConverter
    from tutorial_site.notebooks.diagrams import Diagram
    from tutorial_site.notebooks.links import Links
    from tutorial_site.page import Cell

    _, runs = built_site
    config = load_config(str(ROOT / "mkdocs.yml"))
    files = get_files(config)
    page = files.get_file_from_path("define.md")
    cells = copy.deepcopy(runs["define.md"].cells[:2])
    markdown = "\n".join(
        [
            "# Title",
            "",
            '!!! note "Look"',
            "    See [the layers](layers.md#the-3x3-variant).",
            "",
            "    ```python",
            '    --8<-- "lenet.py"',
            "    ```",
            "",
            "    1.  first annotation",
            "",
            '=== "Tab A"',
            "",
            "    ```python",
            '    --8<-- "define.py:build"',
            "    ```",
            "",
            "```autograd-graph",
            "tensor: loss",
            "caption: the graph",
            "```",
        ]
    )
    diagram = Diagram(b"<svg/>", "the graph: next_functions[0][0]", "")
    links = Links(config, files, page, "notebooks/define.ipynb")
    converted = PageConverter(cells, [diagram], links)
    result = [(cell.cell_type, cell.source) for cell in converted.convert(fences.parse(markdown))]
    assert result[0] == (
        "markdown",
        "# Title\n\n> **Note: Look**\n>\n> See [the layers](../../layers/#the-3x3-variant).",
    )
    assert result[1][0] == "code" and "# (1)" in result[1][1] and "(1)!" not in result[1][1]
    assert result[2] == ("markdown", "> 1.  first annotation\n\n**Tab A**")
    assert result[3] == ("code", cells[1].code.rstrip("\n"))
    caption = r"the graph: next\_functions\[0\]\[0\]"
    assert result[4] == ("markdown", f"![{caption}](data:image/svg+xml;base64,PHN2Zy8+)\n\n*{caption}*")
    assert len(result) == 5
    assert isinstance(cells[0], Cell)
