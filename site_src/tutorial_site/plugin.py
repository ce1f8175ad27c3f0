"""MkDocs plugin: run each page's snippets with real PyTorch and put what they print on the page.

Why a plugin of our own rather than markdown-exec: markdown-exec runs the text of a fence, so a failing snippet
is reported as `<code block: n>` rather than as `snippets/loss.py:12`, and its outputs stay inside the rendered
HTML. Here every cell runs from its snippet file (real file name and line numbers), and the cells of a page, their
code and outputs are kept as data for the browser runner, the autograd diagrams and the notebooks.

Pages run in one Python session each, cells in page order, in a worker process (worker.py): a snippet that ends
its Python or hangs fails the build naming its page and file instead of ending or hanging mkdocs. A page is read
(its fences: which snippet runs, which diagram is drawn), then run in the worker, then rendered: execution lives in
session.py, the Markdown each fence becomes in formatters/. A failed build leaves site_dir as it was (staging.py).
"""
from __future__ import annotations

import json
import re
from html import escape as html_escape
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from . import assets, notebooks, snippets
from .formatters import cell, downloads, graph
from .formatters.base import annotation_list, closing_fence, parse_options
from .staging import StagedSiteDir
from .worker import GraphStep, PageOutput, Step, StepFailed, Worker

# Seconds a page's snippets may run, all together. The slowest page takes a few seconds; a loop that never ends
# fails the build after this long, naming the page and the snippet that was running.
PAGE_TIMEOUT_S = 120

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<lang>[\w-]+)[ \t]*$")


@dataclass
class Cell:
    cell: int
    source: str
    section: str | None
    first_line: int
    code: str
    output: str
    # The options of the autograd-graph block drawn after this cell: the live "Show graph" draws as it does.
    graph: dict[str, str] | None = None


@dataclass
class Block:
    """A fence of the page the plugin runs: the lines it spans (with its annotation list) and what runs for it."""

    start: int  # index of the opening fence line
    end: int  # index of the first line after it
    prefix: str  # the fence's indentation (content tabs, admonitions)
    step: Step
    annotations: list[str] = field(default_factory=list)


@dataclass
class PageRun:
    """What a page ran: its cells in order, and the snippet modules its code imports."""

    page: str
    cells: list[Cell] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)


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
        lines = markdown.split("\n")
        try:
            blocks = self._read_blocks(lines)
            output = self.worker.run_page(self.snippets_dir, [b.step for b in blocks]) if blocks else PageOutput([], {})
        except (StepFailed, snippets.SnippetError, ValueError) as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None
        source = markdown
        run = PageRun(page.url, modules=output.modules)
        figures: list[str] = []  # the autograd diagrams, for the page's notebook
        markdown = self._render(lines, blocks, output.results, run, figures)
        self.runs[page.file.src_uri] = run
        if run.cells:
            self.notebooks.page_ran(page, source, run, figures)
            markdown = downloads.insert(markdown, page.file.src_uri, self.notebooks.downloads(page.file.src_uri))
        return markdown

    def on_page_content(self, html, page, config, files):
        if self.notebooks.is_notebook(page.file):
            return notebooks.site_page(html, page)
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

    def _read_blocks(self, lines: list[str]) -> list[Block]:
        """The page's python and autograd-graph fences, in order, with the snippet or diagram each runs."""
        blocks: list[Block] = []
        i = 0
        while i < len(lines):
            opening = FENCE.match(lines[i])
            fenced = opening and opening["lang"] in ("python", "autograd-graph")
            end = closing_fence(lines, i, opening) if fenced else None
            if end is None:
                i += 1
                continue
            prefix = opening["indent"]
            body = [line[len(prefix):] for line in lines[i + 1 : end]]
            if opening["lang"] == "autograd-graph":
                blocks.append(Block(i, end + 1, prefix, GraphStep(parse_options(body))))
                i = end + 1
                continue
            snippet = snippets.load(body[0], self.snippets_dir, self.root) if len(body) == 1 else None
            if snippet is None:
                raise ValueError(f"line {i + 2}: a python block must be one `--8<-- \"file.py\"` line; "
                                 "code belongs in snippets/")
            annotations, after = annotation_list(lines, end + 1, prefix)
            blocks.append(Block(i, after, prefix, snippet, annotations))
            i = after
        return blocks

    def _render(self, lines: list[str], blocks: list[Block], results: list[str], run: PageRun,
                figures: list[str]) -> str:
        """The page's Markdown with each block replaced by its cell or diagram; fills `run` and `figures`."""
        out: list[str] = []
        previous = 0
        for block, result in zip(blocks, results):
            out.extend(lines[previous : block.start])
            previous = block.end
            if isinstance(block.step, GraphStep):
                figures.append(result)
                if run.cells:
                    run.cells[-1].graph = {k: v for k, v in block.step.options.items() if k in graph.LIVE_OPTIONS}
                out.extend(block.prefix + line for line in result.split("\n"))
                continue
            snippet = block.step
            index = len(run.cells)
            run.cells.append(Cell(index, snippet.rel, snippet.section, snippet.first_line, snippet.code, result))
            out.extend(cell.render(index, snippet, result, block.annotations, block.prefix))
        out.extend(lines[previous:])
        return "\n".join(out)
