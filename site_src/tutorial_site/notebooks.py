"""Take a page away: a notebook and a script built from the page's prose and the cells its run executed.

For every tutorial page (a page with snippet cells) the build adds to the site
- notebooks/<page>.ipynb, a page of the site rendered by mkdocs-jupyter: the page's prose as Markdown cells
  and its cells as code cells, executed with real PyTorch (nbclient, this venv's ipykernel) so it carries outputs;
- downloads/<page>.ipynb, the same notebook, and downloads/<page>.py, the page's cells as one script;
and the whole tutorial as one notebook, notebooks/neural-networks.ipynb and downloads/neural-networks.ipynb.

Code cells are the code the page's run executed (its PageRun cells), never a copy kept elsewhere. The modules a
page imports from snippets/ (lenet.py) travel inside: a `%%writefile` cell in the notebook, a string the script
writes next to itself, so that one downloaded file runs on its own. The page's autograd diagrams travel inside too,
as images in Markdown cells, and when mkdocs.yml names a GitHub `repo_url` each notebook opens with a link that
opens it in Colab.

On the site a notebook page is a view of its page, not a second copy of it: it stays out of the search index and
out of the navigation (the whole-tutorial notebook has its entry), and takes its table of contents from the
headings it shows (mkdocs-jupyter's own drops inline code from them).

Timing: mkdocs-jupyter renders a notebook from a file on disk while mkdocs reads the page, so the generated files
live in a build directory, as the files of a second docs folder (`File(src_dir=...)`: mkdocs-jupyter's wrapper
recomputes `abs_src_path` from `src_dir`, which loses a `File.generated` one), written when their page has run.
Pages are read in the order `on_files` leaves them and these come last, so every tutorial page has run by then.
Executions run in the background, two kernels at a time, while mkdocs goes on with the next pages. Outputs are
kept under .cache/notebooks/, keyed by a notebook's code (and the Python, torch, ipykernel versions): `mkdocs
serve` re-executes a page's notebook only when its code changed, never for a prose edit. The whole-tutorial
notebook takes the outputs its cells printed in the page notebooks (the site runs a session per page too); the
tests run it top to bottom in one kernel and check that it prints the same.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import importlib.metadata
import json
import os
import posixpath
import re
import shutil
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Iterator
from urllib.parse import urlsplit

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import TableOfContents, get_toc
from mkdocs.utils import get_relative_url
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from grad_graph.graphviz import run_dot

from . import snippets
from .formatters.base import annotation_list, closing_fence

if TYPE_CHECKING:  # the plugin imports this module, so its classes are named for type checkers only
    from mkdocs.structure.pages import Page

    from .plugin import Cell, PageRun

WHOLE_TUTORIAL = "neural-networks"
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CELL_TIMEOUT_S = 120

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w-]*)")
ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
TAB = re.compile(r'^===\+?[ \t]+"(?P<title>[^"]*)"[ \t]*$')
HEADING = re.compile(r"^#{1,6}[ \t]")
LINK = re.compile(r"(?<=\]\()(?P<target>[^)\s]+)")
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>', re.DOTALL)
# Material's code annotation marker, `# (1)!`: the `!` asks Material to hide the comment around the marker.
ANNOTATION_MARKER = re.compile(r"[ \t]*#[ \t]*\((?P<number>\d+)\)!", re.MULTILINE)
GITHUB_REPO = re.compile(r"^https?://github\.com/(?P<owner>[^/\s]+)/(?P<name>[^/\s]+?)(?:\.git)?/?$")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
# Material's admonition types and their aliases (each is also a CSS class of Material's).
ADMONITION_KINDS = {
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check", "done",
    "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing", "danger", "error",
    "bug", "example", "quote", "cite",
}
# An admonition as the notebook Markdown writes it (`> **Warning: title**`), once nbconvert has rendered it.
RENDERED_QUOTE = re.compile(
    r"<blockquote>\s*<p><strong>(?P<label>[A-Z][a-z]+)(?:: (?P<title>(?:(?!</strong>).)*))?</strong></p>"
    r"(?P<body>(?:(?!</?blockquote\b).)*)</blockquote>", re.DOTALL)


@dataclass(frozen=True)
class Downloads:
    """What the build generates for one tutorial page, as paths in the site (src_uris)."""

    notebook: str  # notebooks/<page>.ipynb: rendered as a page of the site
    ipynb: str  # downloads/<page>.ipynb
    script: str  # downloads/<page>.py

    @classmethod
    def of(cls, name: str) -> Downloads:
        return cls(f"notebooks/{name}.ipynb", f"downloads/{name}.ipynb", f"downloads/{name}.py")


class Build:
    """The notebooks and scripts of one build: registered in `on_files`, filled in as the pages run."""

    def __init__(self, config: MkDocsConfig, files: Files):
        self.config = config
        self.files = files
        self.cache = Path(config.config_file_path).parent / ".cache" / "notebooks"
        self.dir = Path(tempfile.mkdtemp(prefix="tutorial-notebooks-"))
        # Kernels are processes of their own; these threads only wait on them.
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
        self.pages = {uri: Downloads.of(uri.removesuffix(".md")) for uri in _tutorial_pages(config, files)}
        self.whole = Downloads.of(WHOLE_TUTORIAL)
        self.whole_cells: dict[str, list] = {}  # page -> its cells as the whole-tutorial notebook shows them
        self.modules: dict[str, str] = {}  # every snippet module a page imports
        self.titles: dict[str, str] = {}  # a page notebook's src_uri -> its title, told apart from its page's
        self.executions: dict[str, Future] = {}  # page -> its executed notebook
        self.used_cache: set[Path] = set()
        generated = [uri for made in self.pages.values() for uri in (made.notebook, made.ipynb, made.script)]
        for uri in [*generated, self.whole.notebook, self.whole.ipynb]:  # the whole tutorial: a notebook only
            files.append(File(uri, str(self.dir), config.site_dir, config.use_directory_urls))

    def downloads(self, page_uri: str) -> Downloads | None:
        return self.pages.get(page_uri)

    def is_notebook(self, file: File) -> bool:
        return file.src_uri in {made.notebook for made in [*self.pages.values(), self.whole]}

    def page_ran(self, page: Page, markdown: str, run: PageRun, figures: list[str]) -> None:
        """Build the page's notebook and script from its Markdown, its run and the autograd figures it drew (their
        HTML, in page order); start executing the notebook."""
        uri = page.file.src_uri
        made = self.pages[uri]
        lines = markdown.split("\n")
        if not any(line.startswith("# ") for line in lines):
            lines.insert(0, f"# {page.title}")
        diagrams = [Diagram.from_figure(figure) for figure in figures]
        links = _Links(self.config, self.files, page.file, made.notebook)
        whole_links = _Links(self.config, self.files, page.file, self.whole.notebook)
        self.whole_cells[uri] = _PageConverter(run.cells, diagrams, whole_links, demote=True).convert(lines)
        self.modules.update(run.modules)
        self.titles[made.notebook] = f"{page.title} (notebook)"
        self._write(made.script, page_script(page.title, made.script, run))
        intro = self._intro(f"This notebook is the page [{page.title}]({links.url(page.file.url)}) of the tutorial "
                            f"*{self.config.site_name}*, with what real PyTorch printed when the site was built.", made)
        notebook = assemble(_PageConverter(run.cells, diagrams, links).convert(lines), intro, run.modules)
        self.executions[uri] = self.pool.submit(self._execute, notebook, uri)

    def page_read(self, page: Page) -> None:
        """A notebook page, read (mkdocs-jupyter renders it next): out of the search index, where its page is
        already, and a page's notebook titled apart from its page (the browser tab, the header)."""
        page.meta["search"] = {"exclude": True}
        if page.file.src_uri in self.titles:
            page.title = self.titles[page.file.src_uri]

    def write(self, file: File) -> None:
        """Write a notebook page's file before mkdocs-jupyter reads it: the executed notebook, and its download."""
        if file.src_uri == self.whole.notebook:
            made, notebook = self.whole, self._whole_notebook()
        else:
            uri = next((uri for uri, made in self.pages.items() if made.notebook == file.src_uri), None)
            if uri is None:
                return
            made, notebook = self.pages[uri], self._executed(uri)
        text = nbformat.writes(notebook)
        self._write(made.notebook, text)
        self._write(made.ipynb, text)

    def close(self, succeeded: bool) -> None:
        self.pool.shutdown(cancel_futures=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        if succeeded:  # forget executions no page uses any more
            for stale in set(self.cache.glob("*.ipynb")) - self.used_cache:
                stale.unlink(missing_ok=True)

    def _executed(self, page_uri: str) -> nbformat.NotebookNode:
        if page_uri not in self.executions:
            raise PluginError(f"the notebook of {page_uri} was read before the page ran (generated files come last)")
        return self.executions[page_uri].result()

    def _whole_notebook(self) -> nbformat.NotebookNode:
        """Every page's cells in one notebook, with the outputs each printed when its own notebook ran.

        The site runs each page in a session of its own, and so do the page notebooks; the tests run this one
        top to bottom in one kernel and check that it prints the same.
        """
        cells = [nbformat.v4.new_markdown_cell(f"# {self.config.site_name}")]
        for uri in self.pages:
            cells.extend(self.whole_cells[uri])
        intro = self._intro("Every page of the tutorial in one notebook, in the order of the site.", self.whole)
        notebook = assemble(cells, intro, self.modules)
        printed = {_origin(cell): cell.outputs for uri in self.pages for cell in self._executed(uri).cells
                   if cell.cell_type == "code"}
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        for count, cell in enumerate(code, start=1):
            cell.outputs = copy.deepcopy(printed[_origin(cell)])
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
        notebook.metadata.language_info = self._executed(next(iter(self.pages))).metadata.language_info
        return notebook

    def _intro(self, text: str, made: Downloads) -> str:
        """The notebook's opening words: `text`, and the Colab link when the site names its GitHub repository."""
        colab = colab_url(self.config, made.ipynb)
        if colab is None:
            return text
        return f"{text}\n\n[Open in Colab]({colab}) to run it with full PyTorch, on a GPU if you choose one."

    def _execute(self, notebook: nbformat.NotebookNode, page_uri: str) -> nbformat.NotebookNode:
        """`notebook` with its outputs, from the cache if the same code ran before: prose edits never re-run it."""
        code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        versions = [sys.version, importlib.metadata.version("torch"), importlib.metadata.version("ipykernel")]
        key = hashlib.sha256(json.dumps([code, versions]).encode()).hexdigest()[:32]
        cached = self.cache / f"{key}.ipynb"
        self.used_cache.add(cached)
        if cached.exists():
            executed = nbformat.read(cached, as_version=4)
        else:
            executed = copy.deepcopy(notebook)
            try:
                execute(executed)
            except CellExecutionError as error:
                raise PluginError(f"the notebook of {page_uri}: {error}") from None
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.tmp")  # renamed whole: a concurrent build never reads half
            nbformat.write(executed, partial)
            partial.replace(cached)
        ran = [cell for cell in executed.cells if cell.cell_type == "code"]
        for cell, done in zip([cell for cell in notebook.cells if cell.cell_type == "code"], ran):
            cell.outputs, cell.execution_count = done.outputs, done.execution_count
        notebook.metadata.language_info = executed.metadata.language_info
        return notebook

    def _write(self, uri: str, text: str) -> None:
        path = self.dir / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _origin(cell) -> tuple:
    """Which page cell, or which module's `%%writefile`, a code cell is: the same in every notebook."""
    meta = cell.metadata["tutorial"]
    return ("module", meta["module"]) if "module" in meta else (meta["page"], meta["cell"])


def execute(notebook: nbformat.NotebookNode) -> None:
    """Run every cell with real PyTorch in a fresh kernel, in an empty folder: as a reader who downloaded it."""
    with tempfile.TemporaryDirectory(prefix="tutorial-notebook-run-") as folder:
        client = NotebookClient(
            notebook,
            kernel_name=KERNEL["name"],  # ipykernel's spec runs the Python that runs the build
            timeout=CELL_TIMEOUT_S,
            record_timing=False,  # no timestamps: the same cells give the same file
            resources={"metadata": {"path": folder}},
            # The kernel logs a warning about unencrypted local TCP on every start; cell output is unaffected.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        client.execute()
    nbformat.validate(notebook)


def site_page(html: str, page: Page) -> str:
    """A notebook page as mkdocs-jupyter rendered it, made a page of this site: without nbconvert's Mermaid loader
    (it imports from a CDN when a notebook has Mermaid diagrams, which ours never do, and the site loads nothing from
    other origins), with its admonitions shown as on the tutorial's pages, and with a table of contents that is the
    headings as they show."""
    page.toc = _headings_toc(html)
    return RENDERED_QUOTE.sub(_as_admonition, MERMAID_LOADER.sub("", html))


def colab_url(config: MkDocsConfig, site_path: str) -> str | None:
    """Where Colab opens the file at `site_path` of the built site, or None for a site that names no GitHub repository.

    Colab opens notebooks from GitHub: this is the file in the branch `mkdocs gh-deploy` publishes the site to
    (`remote_branch`, gh-pages unless mkdocs.yml says otherwise), in the repository `repo_url` names.
    """
    repo = GITHUB_REPO.match(config.repo_url or "")
    if repo is None:
        return None
    return (f"https://colab.research.google.com/github/{repo['owner']}/{repo['name']}/blob/{config.remote_branch}/"
            f"{site_path}")


@dataclass(frozen=True)
class Diagram:
    """An autograd diagram a page drew, as its notebook shows it: Graphviz's own drawing of the figure's DOT, which
    is standalone where the page's inline SVG takes its colours from the site's stylesheet.

    It goes in a Markdown image with a data: URL. Not a cell attachment: JupyterLab renders attachments of raster
    types only. Not an output: running the notebook would clear it, and nothing in the notebook could draw it again.
    """

    svg: bytes
    caption: str
    description: str

    @classmethod
    def from_figure(cls, figure: str) -> Diagram:
        """The diagram of a figure formatters/graph.py rendered."""
        reader = _FigureReader()
        reader.feed(figure)
        reader.close()
        if not reader.dot:
            raise ValueError("an autograd-graph figure without its DOT (data-dot)")
        return cls(run_dot(reader.dot, "svg"), reader.caption.strip(), reader.description.strip())

    def markdown(self) -> list[str]:
        data = base64.b64encode(self.svg).decode("ascii")
        alt = _markdown_text(self.description or self.caption)
        return [f"![{alt}](data:image/svg+xml;base64,{data})", "", f"*{_markdown_text(self.caption)}*"]


class _FigureReader(HTMLParser):
    """What a notebook needs of an autograd figure: the DOT it was drawn from, its caption and its text description."""

    def __init__(self):
        super().__init__()
        self.dot: str | None = None
        self.caption = ""
        self.description = ""
        self._inside: str | None = None  # figcaption or desc, whose text is wanted

    def handle_starttag(self, tag, attrs):
        if tag == "figure" and self.dot is None:
            self.dot = dict(attrs).get("data-dot")
        elif tag in ("figcaption", "desc"):
            self._inside = tag

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data):
        if self._inside == "figcaption":
            self.caption += data
        elif self._inside == "desc":
            self.description += data


def _markdown_text(text: str) -> str:
    """`text` as literal Markdown: a caption's `next_functions[0][0]` stays itself, not emphasis or a link."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _admonition_title(kind: str, title: str | None) -> str:
    """An admonition's bold first line in a notebook: its kind (Material shows it by colour and icon), its title."""
    label = kind.title()
    return label if not title or title == label else f"{label}: {title}"


def _as_admonition(quote: re.Match) -> str:
    """A rendered block quote that opens with an admonition's bold line, as Material renders that admonition."""
    kind = quote["label"].lower()
    if kind not in ADMONITION_KINDS:
        return quote[0]
    return (f'<div class="admonition {kind}">\n<p class="admonition-title">{quote["title"] or quote["label"]}</p>'
            f'{quote["body"]}</div>')


class _Headings(HTMLParser):
    """The headings of rendered HTML that have an id: level, id and text (without the heading's permalink)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[int, str, str]] = []
        self._heading: list | None = None  # [level, id, text] of the heading being read
        self._in_permalink = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag) and attributes.get("id"):
            self._heading = [int(tag[1]), attributes["id"], ""]
        elif self._heading and tag == "a" and "anchor-link" in (attributes.get("class") or "").split():
            self._in_permalink = True

    def handle_endtag(self, tag):
        if not self._heading:
            return
        if tag == "a":
            self._in_permalink = False
        elif tag == f"h{self._heading[0]}":
            self.found.append((self._heading[0], self._heading[1], self._heading[2].strip()))
            self._heading = None

    def handle_data(self, data):
        if self._heading and not self._in_permalink:
            self._heading[2] += data


def _headings_toc(html: str) -> TableOfContents:
    """A table of contents of the headings in `html`, nested by level, their text whole (inline code included)."""
    headings = _Headings()
    headings.feed(html)
    headings.close()
    roots: list[dict] = []
    enclosing: list[dict] = []  # the open heading of each level above the next one
    for level, anchor, text in headings.found:
        token = {"level": level, "id": anchor, "name": html_escape(text), "children": []}
        while enclosing and enclosing[-1]["level"] >= level:
            enclosing.pop()
        (enclosing[-1]["children"] if enclosing else roots).append(token)
        enclosing.append(token)
    return get_toc(roots)


def assemble(cells: list, intro: str, modules: dict[str, str]) -> nbformat.NotebookNode:
    """A notebook: the title cell with `intro`, the cells that write `modules`, then the rest of `cells`."""
    title, *rest = (copy.deepcopy(cell) for cell in cells)
    head, _, body = title.source.partition("\n")
    title.source = f"{head}\n\n{intro}"
    setup = _module_cells(modules) if modules else []
    if body.strip():
        rest.insert(0, nbformat.v4.new_markdown_cell(body.strip()))
    notebook = nbformat.v4.new_notebook(cells=[title, *setup, *rest], metadata={"kernelspec": dict(KERNEL),
                                                                               "language_info": {"name": "python"}})
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # stable ids: the same page gives the same file, and the same cache key
    return notebook


def page_script(title: str, script_uri: str, run: PageRun) -> str:
    """The page's cells as one script, in order, with the snippet modules it imports."""
    name = posixpath.basename(script_uri)
    parts = [f'"""{title}: the code of this page of the tutorial, cell after cell.\n\n'
             f'Run it with `python {name}`: it prints what the page shows under each cell.\n"""']
    if run.modules:
        parts.append(_module_writer(run.modules))
    for cell in run.cells:
        label = f"{cell.source}:{cell.section}" if cell.section else cell.source
        parts.append(f"# %% {label}\n{strip_markers(cell.code).rstrip()}")
    return "\n\n\n".join(parts) + "\n"


def strip_markers(code: str) -> str:
    return ANNOTATION_MARKER.sub("", code)


def _module_cells(modules: dict[str, str]) -> list:
    names = ", ".join(f"`{name}`" for name in sorted(modules))
    note = nbformat.v4.new_markdown_cell(
        f"The code below imports {names} from the tutorial's `snippets/` folder. The next cell writes "
        f"{'it' if len(modules) == 1 else 'them'} next to this notebook, so that the notebook runs on its own.")
    cells = [note]
    for name in sorted(modules):
        cell = nbformat.v4.new_code_cell(f"%%writefile {name}\n{strip_markers(modules[name]).rstrip()}")
        cell.metadata["tutorial"] = {"module": name}
        cells.append(cell)
    return cells


def _module_writer(modules: dict[str, str]) -> str:
    entries = "\n".join(f"    {name!r}: {_triple_quoted(strip_markers(source))}," for name, source in
                        sorted(modules.items()))
    return ("import pathlib\n\n"
            "# The code below imports these modules from the tutorial's snippets/ folder: write each one next to\n"
            "# this script, unless a file of that name is there already, so that the script runs on its own.\n"
            f"for _name, _source in {{\n{entries}\n}}.items():\n"
            "    _path = pathlib.Path(__file__).with_name(_name)\n"
            "    if not _path.exists():\n"
            "        _path.write_text(_source)")


def _triple_quoted(text: str) -> str:
    """`text` as a readable Python literal: the module's lines as they are, inside triple quotes."""
    quote = '"""' if '"""' not in text else "'''"
    if quote in text or text.endswith(quote[0]):
        return repr(text)
    return quote + "\\\n" + text.replace("\\", "\\\\") + quote


def _tutorial_pages(config: MkDocsConfig, files: Files) -> list[str]:
    """Pages with snippet cells, in the order of the navigation (then of the files)."""
    pages = [f.src_uri for f in files.documentation_pages() if f.src_uri.endswith(".md") and any(
        snippets.DIRECTIVE.match(line.strip()) for line in f.content_string.split("\n"))]
    order = {uri: index for index, uri in enumerate(_nav_paths(config.nav or []))}
    return sorted(pages, key=lambda uri: order.get(uri, len(order)))


def _nav_paths(nav) -> Iterator[str]:
    for item in nav if isinstance(nav, list) else [nav]:
        if isinstance(item, dict):
            for value in item.values():
                yield from _nav_paths(value)
        elif isinstance(item, str):
            yield item


class _Links:
    """Where a link in a page's prose points to from its notebook: the site's page, relative to the notebook page.

    Relative, not through site_url: site_url defaults to the local `mkdocs serve` address (instant navigation needs
    one), which would be wrong in a notebook read anywhere else.
    """

    def __init__(self, config: MkDocsConfig, files: Files, page: File, notebook_uri: str):
        self.files = files
        self.page = page
        stem = notebook_uri.removesuffix(".ipynb")
        self.notebook_url = f"{stem}/" if config.use_directory_urls else f"{stem}.html"

    def url(self, site_url: str) -> str:
        """A URL of the site (relative to its root, as File.url) as seen from the notebook."""
        return get_relative_url(site_url, self.notebook_url)

    def rewrite(self, line: str) -> str:
        return LINK.sub(lambda match: self._target(match["target"]), line)

    def _target(self, target: str) -> str:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return target
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.page.src_uri), parts.path))
        file = self.files.get_file_from_path(path)
        if file is None:
            return target
        return self.url(file.url) + (f"#{parts.fragment}" if parts.fragment else "")


class _PageConverter:
    """A page's Material Markdown -> notebook cells: prose in plain Markdown a notebook renders, the run's code.

    Admonitions become block quotes that open with their kind and title in bold, content tabs a bold label over
    their content, code annotations stay the numbered list they are (the code keeps `# (1)` for it), an autograd
    diagram the image of the one the page drew at that point (`diagrams`, in page order). Containers are indented
    by four spaces: their bodies are converted after dedenting, so fences and containers nest as on the page.
    `demote` moves headings one level down, for the whole-tutorial notebook whose one title is the tutorial's.
    """

    def __init__(self, cells: list[Cell], diagrams: list[Diagram], links: _Links, demote: bool = False):
        self.run_cells = iter(cells)
        self.diagrams = iter(diagrams)
        self.links = links
        self.demote = demote

    def convert(self, lines: list[str]) -> list:
        return _to_notebook_cells(self._blocks(lines))

    def _blocks(self, lines: list[str]) -> list:
        """Markdown lines (str) and code cells (nbformat cells), in page order."""
        out: list = []
        i = 0
        while i < len(lines):
            line = lines[i]
            container = ADMONITION.match(line) or TAB.match(line)
            fence = FENCE.match(line)
            if container:
                body, i = _indented_body(lines, i + 1)
                inner = self._blocks(body)
                if container.re is TAB:
                    out.extend([f"**{container['title']}**", "", *inner])
                else:
                    out.extend(_quoted(_admonition_title(container["kind"], container["title"]), inner))
            elif fence:
                end = _closing(lines, i, fence)
                out.extend(self._fence(fence, lines, i, end))
                i = end + 1
            else:
                if line.strip() or not out or out[-1] != "":  # a container already ends with a blank line
                    out.append(self.links.rewrite("#" + line if self.demote and HEADING.match(line) else line))
                i += 1
        return out

    def _fence(self, fence: re.Match, lines: list[str], start: int, end: int) -> list:
        indent = fence["indent"]
        body = [text[len(indent):] for text in lines[start + 1 : end]]
        directive = snippets.DIRECTIVE.match(body[0].strip()) if fence["lang"] == "python" and len(body) == 1 else None
        if directive:
            cell = next(self.run_cells, None)
            same = cell and cell.source.endswith("/" + directive["file"]) and cell.section == directive["section"]
            if not same:
                raise ValueError(f"the page's fences and its run disagree at {body[0].strip()}")
            annotated = bool(annotation_list(lines, end + 1, indent)[0])
            code = ANNOTATION_MARKER.sub(r"  # (\g<number>)", cell.code) if annotated else strip_markers(cell.code)
            notebook_cell = nbformat.v4.new_code_cell(code.rstrip("\n"))
            notebook_cell.metadata["tutorial"] = {
                "page": self.links.page.src_uri, "cell": cell.cell, "source": cell.source, "section": cell.section}
            return [notebook_cell]
        if fence["lang"] == "autograd-graph":
            diagram = next(self.diagrams, None)
            if diagram is None:
                raise ValueError("the page's autograd-graph fences and the diagrams its run drew disagree")
            return diagram.markdown()
        return lines[start : end + 1]


def _indented_body(lines: list[str], start: int) -> tuple[list[str], int]:
    """The lines of a container (indented by 4), dedented, and the index after its last non-blank line."""
    body: list[str] = []
    end = start
    for j in range(start, len(lines)):
        if lines[j].strip() and not lines[j].startswith("    "):
            break
        body.append(lines[j][4:])
        if lines[j].strip():
            end = j + 1
    return body[: end - start], end


def _closing(lines: list[str], start: int, fence: re.Match) -> int:
    end = closing_fence(lines, start, fence)
    if end is None:
        raise ValueError(f"unclosed fence: {lines[start].strip()}")
    return end


def _quoted(title: str, blocks: list) -> list:
    """An admonition as a block quote; a code cell inside one ends the quote, the text after it quotes on."""
    out: list = []
    pending = [f"**{title}**", ""]
    for block in [*blocks, None]:
        if isinstance(block, str):
            pending.append(block)
            continue
        while pending and not pending[-1].strip():
            pending.pop()
        while pending and not pending[0].strip():
            pending.pop(0)
        out.extend(f"> {text}".rstrip() for text in pending)
        out.extend([""] if block is None else [block])
        pending = []
    return out


def _to_notebook_cells(blocks: list) -> list:
    """Markdown lines gathered into cells, a new one at each heading; code cells as they are."""
    cells: list = []
    text: list[str] = []
    in_fence = None

    def flush():
        source = "\n".join(text).strip("\n")
        if source.strip():
            cells.append(nbformat.v4.new_markdown_cell(source))
        text.clear()

    for block in blocks:
        if not isinstance(block, str):
            flush()
            cells.append(block)
            continue
        fence = FENCE.match(block)
        if fence and in_fence is None:
            in_fence = fence["fence"]
        elif in_fence and block.strip() == in_fence:
            in_fence = None
        elif in_fence is None and HEADING.match(block):
            flush()
        text.append(block)
    flush()
    return cells
