"""MkDocs plugin: run each page's snippets with real PyTorch and put what they print on the page.

Why a plugin of our own rather than markdown-exec: markdown-exec runs the text of a fence, so a failing snippet
is reported as `<code block: n>` rather than as `snippets/loss.py:12`, and its outputs stay inside the rendered
HTML. Here every cell runs from its snippet file (real file name and line numbers), and the cells of a page, their
code and outputs are kept as data for the browser runner, the autograd diagrams and the notebooks.

Pages run in one Python session each, cells in page order. Execution lives in session.py, the Markdown each
fence becomes in formatters/.
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
from mkdocs.plugins import BasePlugin

from . import assets, notebooks, snippets
from .formatters import cell, downloads, graph
from .formatters.base import annotation_list, closing_fence, parse_options
from .session import PageSession, SnippetFailed

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
class PageRun:
    """What a page ran: its cells in order, and the snippet modules its code imports."""

    page: str
    cells: list[Cell] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)


class TutorialConfig(Config):
    snippets_dir = config_options.Dir(exists=True, default="snippets")


class TutorialPlugin(BasePlugin[TutorialConfig]):
    def __init__(self):
        self.runs: dict[str, PageRun] = {}
        self.serving = False
        self.notebooks: notebooks.Build | None = None

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        self.root = Path(config.config_file_path).parent
        self.snippets_dir = Path(self.config.snippets_dir).resolve()
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
        run = PageRun(page.url)
        session = PageSession(self.snippets_dir)
        source = markdown
        figures: list[str] = []  # the autograd diagrams, for the page's notebook
        try:
            markdown = self._run_fences(markdown, run, session, figures)
        except (SnippetFailed, snippets.SnippetNotFound, ValueError) as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None
        run.modules = session.imported_modules()
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

    def on_post_build(self, config):
        assets.install(Path(config.site_dir), live_reload=self.serving)  # serve injects an inline reload script
        self.notebooks.close(succeeded=True)

    def on_build_error(self, error):
        if self.notebooks:
            self.notebooks.close(succeeded=False)

    def _run_fences(self, markdown: str, run: PageRun, session: PageSession, figures: list[str]) -> str:
        lines = markdown.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            opening = FENCE.match(lines[i])
            fenced = opening and opening["lang"] in ("python", "autograd-graph")
            end = closing_fence(lines, i, opening) if fenced else None
            if end is None:
                out.append(lines[i])
                i += 1
                continue
            prefix = opening["indent"]
            body = [line[len(prefix):] for line in lines[i + 1 : end]]
            if opening["lang"] == "autograd-graph":
                options = parse_options(body)
                figures.append(graph.render(options, session.namespace))
                if run.cells:
                    run.cells[-1].graph = {k: v for k, v in options.items() if k in graph.LIVE_OPTIONS}
                out.extend(prefix + line for line in figures[-1].split("\n"))
                i = end + 1
                continue
            snippet = snippets.load(body[0], self.snippets_dir, self.root) if len(body) == 1 else None
            if snippet is None:
                raise ValueError(f"line {i + 2}: a python block must be one `--8<-- \"file.py\"` line; "
                                 "code belongs in snippets/")
            annotations, i = annotation_list(lines, end + 1, prefix)
            output = session.run(snippet)
            index = len(run.cells)
            run.cells.append(Cell(index, snippet.rel, snippet.section, snippet.first_line, snippet.code, output))
            out.extend(cell.render(index, snippet, output, annotations, prefix))
        return "\n".join(out)
