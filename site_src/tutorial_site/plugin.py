"""MkDocs plugin: run each page's snippets with real PyTorch and put what they print on the page.

Why a plugin of our own rather than markdown-exec: markdown-exec runs the text of a fence, so a failing snippet
is reported as `<code block: n>` rather than as `snippets/loss.py:12`, and its outputs stay inside the rendered
HTML. Here every cell runs from its snippet file (real file name and line numbers), and the cells of a page, their
code and outputs are kept as data for the browser runner, the autograd diagrams and the notebooks.

Pages run in one Python session each, cells in page order, in a worker process (worker.py): a snippet that ends
its Python or hangs fails the build naming its page and file instead of ending or hanging mkdocs. A page is read
once (fences.py: its text and fences), its fences run in the worker, then each is rendered by its language
(FENCE_KINDS, a table as markdown-exec's formatters): execution lives in session.py, the Markdown each fence
becomes in formatters/, the page model in page.py. The notebooks take the same parsed page and the run (notebooks/).
A failed build leaves site_dir as it was (staging.py).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from html import escape as html_escape
from pathlib import Path
from typing import Callable

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from . import assets, fences, notebooks, snippets
from .fences import Fence, GraphFence, PythonFence
from .formatters import cell, downloads, graph
from .notebooks.site import site_page
from .page import Cell, PageRun
from .snippets import Snippet
from .staging import StagedSiteDir
from .worker import GraphStep, PageOutput, Step, StepFailed, Worker

# Seconds a page's snippets may run, all together. The slowest page takes a few seconds; a loop that never ends
# fails the build after this long, naming the page and the snippet that was running.
PAGE_TIMEOUT_S = 120


def _snippet_step(plugin: TutorialPlugin, fence: PythonFence) -> Snippet:
    snippet = snippets.load(fence.directive, plugin.snippets_dir, plugin.root) if fence.directive is not None else None
    if snippet is None:
        raise ValueError(
            f"line {fence.start + 2}: a python block must be one `--8<-- \"file.py\"` line; code belongs in snippets/"
        )
    return snippet


def _render_cell(fence: PythonFence, snippet: Snippet, output: str, run: PageRun, figures: list[str]) -> list[str]:
    index = len(run.cells)
    run.cells.append(Cell(index, snippet.rel, snippet.section, snippet.first_line, snippet.code, output))
    return cell.render(index, snippet, output, fence.annotations, fence.indent)


def _graph_step(plugin: TutorialPlugin, fence: GraphFence) -> GraphStep:
    return GraphStep(fence.options)


def _render_graph(fence: GraphFence, step: GraphStep, figure: str, run: PageRun, figures: list[str]) -> list[str]:
    figures.append(figure)
    if run.cells:  # the live graph of the cell above draws the same tensor
        run.cells[-1].graph = graph.live_options(step.options)
    return [fence.indent + line for line in figure.split("\n")]


@dataclass(frozen=True)
class FenceKind:
    """What the plugin does with a kind of fence: the step the worker runs for it, then the Markdown lines it
    becomes given what that step produced (adding to the page's run and to its figures, for the notebooks)."""

    step: Callable[[TutorialPlugin, Fence], Step]
    render: Callable[[Fence, Step, str, PageRun, list[str]], list[str]]


# The fences the plugin runs, by language (fences.KINDS reads them).
FENCE_KINDS = {
    "python": FenceKind(_snippet_step, _render_cell),
    "autograd-graph": FenceKind(_graph_step, _render_graph),
}


class TutorialConfig(Config):
    snippets_dir = config_options.Dir(exists=True, default="snippets")
    page_timeout = config_options.Type((int, float), default=PAGE_TIMEOUT_S)


class TutorialPlugin(BasePlugin[TutorialConfig]):
    def __init__(self):
        self.runs: dict[str, PageRun] = {}
        self.serving = False
        self.dirty = False
        self.notebooks: notebooks.Build | None = None
        self.worker = Worker(PAGE_TIMEOUT_S)
        self.staged: StagedSiteDir | None = None

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        self.dirty = dirty

    def on_shutdown(self):
        self.worker.close()

    def on_config(self, config):
        self.root = Path(config.config_file_path).parent
        # This build's pages only: mkdocs keeps one plugin instance for every build of a process (serve, tests).
        self.runs = {}
        self.snippets_dir = Path(self.config.snippets_dir).resolve()
        self.worker.page_timeout = self.config.page_timeout
        self.worker.start()  # torch imports there while mkdocs gathers files
        # A dirty build updates site_dir in place by design (mkdocs writes only what changed): no staging then.
        self.staged = None if self.dirty else StagedSiteDir(config)
        config.extra_css = [*config.extra_css, *assets.extra_css()]
        config.extra_javascript = [*config.extra_javascript, *assets.extra_javascript()]
        return config

    def on_env(self, env, config, files):
        # Inlined into <head> by runner/overrides/main.html.
        env.globals["nn_boot_script"] = assets.inline_script("boot.js")
        env.globals["nn_sitemap_script"] = assets.inline_script("sitemap.js")
        env.globals["nn_download_bytes"] = assets.download_bytes()  # for the boot's progress bar
        return env

    def on_serve(self, server, config, builder):
        server.watch(str(self.snippets_dir))  # a snippet edit re-runs its page
        return server

    def on_files(self, files, config):
        self.notebooks = notebooks.Build(config, files)  # registers each tutorial page's notebook and downloads
        return files

    def on_pre_page(self, page, config, files):
        self.notebooks.write(page.file)  # a notebook page: its file, now that its page has run
        return page

    def on_page_markdown(self, markdown, page, config, files):
        if self.notebooks.is_notebook(page.file):
            self.notebooks.page_read(page)
            return markdown  # mkdocs-jupyter renders it
        parts = fences.parse(markdown)
        try:
            steps = [FENCE_KINDS[part.lang].step(self, part) for part in parts if isinstance(part, Fence)]
            output = self.worker.run_page(self.snippets_dir, steps) if steps else PageOutput([], {})
        except (StepFailed, snippets.SnippetError, ValueError) as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None
        run = PageRun(page.url, modules=output.modules)
        figures: list[str] = []  # the autograd diagrams, for the page's notebook
        markdown = _render(parts, steps, output.results, run, figures)
        self.runs[page.file.src_uri] = run
        if run.cells:
            self.notebooks.page_ran(page, parts, run, figures)
            markdown = downloads.insert(markdown, page.file.src_uri, self.notebooks.downloads(page.file.src_uri))
        return markdown

    def on_page_content(self, html, page, config, files):
        if self.notebooks.is_notebook(page.file):
            return site_page(html, page)
        run = self.runs.get(page.file.src_uri)
        if not run or not run.cells:
            return html
        # An attribute, not a <script type="application/json">: Material's instant navigation re-creates inline
        # scripts without their type, which would lose the data and trip the Content-Security-Policy.
        return f'{html}\n<div id="nn-page" hidden data-json="{html_escape(json.dumps(asdict(run)))}"></div>'

    @event_priority(-100)  # last: the site is published once every plugin has written its files
    def on_post_build(self, config):
        assets.install(Path(config.site_dir), live_reload=self.serving)  # serve injects an inline reload script
        self.notebooks.close(succeeded=True)
        self._end_build()
        if self.staged:
            self.staged.publish()

    def on_build_error(self, error):
        if self.notebooks:
            self.notebooks.close(succeeded=False)
        self._end_build()
        if self.staged:
            self.staged.discard()

    def _end_build(self) -> None:
        # `mkdocs serve` keeps the worker (and its torch) for the next rebuild; a build's ends with the build.
        if not self.serving:
            self.worker.close()


def _render(parts: list[fences.Part], steps: list[Step], results: list[str], run: PageRun, figures: list[str]) -> str:
    """The page's Markdown with each fence it ran replaced by what it became; fills `run` and `figures`."""
    out: list[str] = []
    ran = zip(steps, results)
    for part in parts:
        if isinstance(part, Fence):
            step, result = next(ran)
            out.extend(FENCE_KINDS[part.lang].render(part, step, result, run, figures))
        else:
            out.extend(part.lines)
    return "\n".join(out)
