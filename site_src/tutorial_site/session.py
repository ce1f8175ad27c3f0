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
        captured = io.StringIO()
        sys.path.insert(0, str(self.snippets_dir))
        try:
            code = compile(source, str(snippet.path), "exec")
            with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
                exec(code, self.namespace)
        except BaseException as error:  # SystemExit too: a snippet must not end the build quietly
            raise SnippetFailed(_describe(error, snippet, self.snippets_dir)) from None
        finally:
            sys.path.remove(str(self.snippets_dir))
        return captured.getvalue()

    def imported_modules(self) -> dict[str, str]:
        """File name -> source of the snippet files the page's code imported as modules (the browser needs them
        too). The session forgot them when it began, so these are the page's own."""
        return {file.name: file.read_text(encoding="utf-8") for file in _snippet_modules(self.snippets_dir).values()}


def _describe(error: BaseException, snippet: Snippet, snippets_dir: Path) -> str:
    """`file:line: Type: message`, then the traceback through the snippet files only: the plugin's frames (exec,
    importlib) and the libraries' say nothing about the snippet. The line is the innermost snippet frame's."""
    root = snippet.path.parents[len(Path(snippet.rel).parts) - 1]  # what snippet.rel is relative to

    def shown(filename: str) -> str:
        return str(Path(filename).relative_to(root))

    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if _inside(frame.filename, snippets_dir)]
    trace = [traceback.FrameSummary(shown(f.filename), f.lineno, f.name, line=f.line) for f in frames]
    lines = traceback.StackSummary.from_list(trace).format()
    if isinstance(error, SyntaxError) and error.filename and _inside(error.filename, snippets_dir):
        # Compiling the snippet, or a snippet module it imports. Under its `File` line Python shows the code and a
        # caret; its own last line repeats the message.
        head = f"{shown(error.filename)}:{error.lineno}: {type(error).__name__}: {error.msg}"
        caret = traceback.format_exception_only(error)[1:-1]
        return "\n".join([head, "".join([*lines, *caret]).rstrip()]) if lines or caret else head
    where = f"{trace[-1].filename}:{trace[-1].lineno}" if trace else f"{snippet.rel}:{snippet.first_line}"
    head = f"{where}: {type(error).__name__}: {error}"
    return "\n".join([head, "Traceback (most recent call last):", "".join(lines).rstrip()]) if lines else head


def _inside(filename: str, folder: Path) -> bool:
    return Path(filename).is_relative_to(folder)


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
