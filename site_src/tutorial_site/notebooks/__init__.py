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
headings it shows (site.py).

Timing: mkdocs-jupyter renders a notebook from a file on disk while mkdocs reads the page, so the generated files
live in a build directory, as the files of a second docs folder (`File(src_dir=...)`: mkdocs-jupyter's wrapper
recomputes `abs_src_path` from `src_dir`, which loses a `File.generated` one), written when their page has run.
Pages are read in the order `on_files` leaves them and these come last, so every tutorial page has run by then.
Executions run in the background while mkdocs goes on with the next pages, cached by their code (kernels.py). The
whole-tutorial notebook takes the outputs its cells printed in the page notebooks (the site runs a session per page
too); the tests run it top to bottom in one kernel and check that it prints the same.

This package orchestrates a build's notebooks (Build); each job has a module: convert.py (a parsed page and its run
-> cells), diagrams.py (the autograd figures as images), links.py (prose links, as seen from a notebook),
kernels.py (execution and its cache), scripts.py (the .py downloads), site.py (a notebook page on the site).
"""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .. import snippets
from ..fences import Part
from ..page import Downloads, PageRun
from .convert import PageConverter, assemble
from .diagrams import Diagram
from .kernels import Executions
from .links import Links
from .scripts import page_script

WHOLE_TUTORIAL = "neural-networks"
GITHUB_REPO = re.compile(r"^https?://github\.com/(?P<owner>[^/\s]+)/(?P<name>[^/\s]+?)(?:\.git)?/?$")


class Build:
    """The notebooks and scripts of one build: registered in `on_files`, filled in as the pages run."""

    def __init__(self, config: MkDocsConfig, files: Files):
        self.config = config
        self.files = files
        self.dir = Path(tempfile.mkdtemp(prefix="tutorial-notebooks-"))
        self.executions = Executions(Path(config.config_file_path).parent / ".cache" / "notebooks")
        self.pages = {uri: Downloads.of(uri.removesuffix(".md")) for uri in _tutorial_pages(config, files)}
        self.whole = Downloads.of(WHOLE_TUTORIAL)
        self.whole_cells: dict[str, list] = {}  # page -> its cells as the whole-tutorial notebook shows them
        self.modules: dict[str, str] = {}  # every snippet module a page imports
        self.titles: dict[str, str] = {}  # a page notebook's src_uri -> its title, told apart from its page's
        generated = [uri for made in self.pages.values() for uri in (made.notebook, made.ipynb, made.script)]
        for uri in [*generated, self.whole.notebook, self.whole.ipynb]:  # the whole tutorial: a notebook only
            files.append(File(uri, str(self.dir), config.site_dir, config.use_directory_urls))

    def downloads(self, page_uri: str) -> Downloads | None:
        return self.pages.get(page_uri)

    def is_notebook(self, file: File) -> bool:
        return file.src_uri in {made.notebook for made in [*self.pages.values(), self.whole]}

    def page_ran(self, page: Page, parts: list[Part], run: PageRun, figures: list[str]) -> None:
        """Build the page's notebook and script from its parts (fences.parse), its run and the autograd figures it
        drew (their HTML, in page order); start executing the notebook."""
        uri = page.file.src_uri
        made = self.pages[uri]
        diagrams = [Diagram.from_figure(figure) for figure in figures]
        links = Links(self.config, self.files, page.file, made.notebook)
        whole_links = Links(self.config, self.files, page.file, self.whole.notebook)
        self.whole_cells[uri] = PageConverter(run.cells, diagrams, whole_links, demote=True).convert(parts, page.title)
        self.modules.update(run.modules)
        self.titles[made.notebook] = f"{page.title} (notebook)"
        self._write(made.script, page_script(page.title, made.script, run))
        intro = self._intro(
            f"This notebook is the page [{page.title}]({links.url(page.file.url)}) of the tutorial "
            f"*{self.config.site_name}*, with what real PyTorch printed when the site was built.",
            made,
        )
        notebook = assemble(PageConverter(run.cells, diagrams, links).convert(parts, page.title), intro, run.modules)
        self.executions.submit(uri, notebook)

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
            made, notebook = self.pages[uri], self.executions.result(uri)
        text = nbformat.writes(notebook)
        self._write(made.notebook, text)
        self._write(made.ipynb, text)

    def close(self, succeeded: bool) -> None:
        self.executions.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)
        if succeeded:
            self.executions.forget_stale()

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
        printed = {
            _origin(cell): cell.outputs
            for uri in self.pages
            for cell in self.executions.result(uri).cells
            if cell.cell_type == "code"
        }
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        for count, cell in enumerate(code, start=1):
            cell.outputs = copy.deepcopy(printed[_origin(cell)])
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
        notebook.metadata.language_info = self.executions.result(next(iter(self.pages))).metadata.language_info
        return notebook

    def _intro(self, text: str, made: Downloads) -> str:
        """The notebook's opening words: `text`, and the Colab link when the site names its GitHub repository."""
        colab = colab_url(self.config, made.ipynb)
        if colab is None:
            return text
        return f"{text}\n\n[Open in Colab]({colab}) to run it with full PyTorch, on a GPU if you choose one."

    def _write(self, uri: str, text: str) -> None:
        path = self.dir / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _origin(cell) -> tuple:
    """Which page cell, or which module's `%%writefile`, a code cell is: the same in every notebook."""
    meta = cell.metadata["tutorial"]
    return ("module", meta["module"]) if "module" in meta else (meta["page"], meta["cell"])


def colab_url(config: MkDocsConfig, site_path: str) -> str | None:
    """Where Colab opens the file at `site_path` of the built site, or None for a site that names no GitHub repository.

    Colab opens notebooks from GitHub: this is the file in the branch `mkdocs gh-deploy` publishes the site to
    (`remote_branch`, gh-pages unless mkdocs.yml says otherwise), in the repository `repo_url` names.
    """
    repo = GITHUB_REPO.match(config.repo_url or "")
    if repo is None:
        return None
    return (
        f"https://colab.research.google.com/github/{repo['owner']}/{repo['name']}/blob/{config.remote_branch}/"
        f"{site_path}"
    )


def _tutorial_pages(config: MkDocsConfig, files: Files) -> list[str]:
    """Pages with snippet cells, in the order of the navigation (then of the files)."""
    pages = [
        f.src_uri
        for f in files.documentation_pages()
        if f.src_uri.endswith(".md")
        and any(snippets.DIRECTIVE.match(line.strip()) for line in f.content_string.split("\n"))
    ]
    order = {uri: index for index, uri in enumerate(_nav_paths(config.nav or []))}
    return sorted(pages, key=lambda uri: order.get(uri, len(order)))


def _nav_paths(nav) -> Iterator[str]:
    for item in nav if isinstance(nav, list) else [nav]:
        if isinstance(item, dict):
            for value in item.values():
                yield from _nav_paths(value)
        elif isinstance(item, str):
            yield item
