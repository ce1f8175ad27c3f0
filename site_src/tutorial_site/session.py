"""One Python session per page: run snippet code with real PyTorch and capture what it prints.

Execution only; placing the output on the page is the formatters' job.
"""
from __future__ import annotations

import contextlib
import io
import sys
import traceback
from pathlib import Path

from .snippets import Snippet


class SnippetFailed(Exception):
    """A snippet raised: the message leads with `file:line` of the failing line in the snippet file."""


class PageSession:
    def __init__(self, snippets_dir: Path):
        self.snippets_dir = snippets_dir
        self.namespace: dict = {"__name__": "__main__", "__builtins__": __builtins__}
        _forget_snippet_modules(snippets_dir)

    def run(self, snippet: Snippet) -> str:
        """Execute the snippet in this session and return its stdout and stderr, interleaved as printed."""
        # Blank lines in front keep the snippet file's own line numbers in tracebacks.
        source = "\n" * (snippet.first_line - 1) + snippet.code
        code = compile(source, str(snippet.path), "exec")
        captured = io.StringIO()
        sys.path.insert(0, str(self.snippets_dir))
        try:
            with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
                exec(code, self.namespace)
        except BaseException as error:  # SystemExit too: a snippet must not end the build quietly
            raise SnippetFailed(_describe(error, snippet)) from None
        finally:
            sys.path.remove(str(self.snippets_dir))
        return captured.getvalue()

    def imported_modules(self) -> dict[str, str]:
        """File name -> source of the snippet files the page's code imported as modules (the browser needs them
        too). The session forgot them when it began, so these are the page's own."""
        return {file.name: file.read_text(encoding="utf-8") for file in _snippet_modules(self.snippets_dir).values()}


def _describe(error: BaseException, snippet: Snippet) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(snippet.path)]
    line = frames[-1].lineno if frames else snippet.first_line
    trace = "".join(traceback.format_exception(error)).rstrip()
    return f"{snippet.rel}:{line}: {type(error).__name__}: {error}\n{trace}"


def _snippet_modules(snippets_dir: Path) -> dict[str, Path]:
    """Module name -> file of the modules imported from snippets/ (e.g. lenet)."""
    found = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).parent == snippets_dir:
            found[name] = Path(file)
    return found


def _forget_snippet_modules(snippets_dir: Path) -> None:
    """Drop modules imported from snippets/ so `mkdocs serve` picks up edits to them."""
    for name in _snippet_modules(snippets_dir):
        del sys.modules[name]
