"""Run the pages' snippets in a Python of their own, so that a snippet that crashes or hangs cannot take the build
with it: `os._exit(0)` or a segfault there ends the worker, not mkdocs, and a page past its time limit is killed.

One worker serves a whole build, page after page (and a `mkdocs serve` session, rebuild after rebuild): torch is
imported once, while mkdocs is still gathering files. A worker that died or was killed is started again for the
next page that needs one.

The worker runs a page's steps in order in one PageSession (session.py) and sends back what each produced: a
snippet's output, or an autograd diagram's HTML. Diagrams are drawn here because they need the session's live
tensors; where the results go on the page stays the plugin's and the formatters' business.

Why not the notebooks' kernels (notebooks/kernels.py): a Jupyter kernel reports a cell's output as messages of its own
making, not the text the snippet printed, and cannot hand back a diagram of its tensors without a round trip of
generated code. A spawned process speaking pickles over a pipe runs the same PageSession the tests use.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable

from .snippets import Snippet

STARTUP_TIMEOUT_S = 120  # importing torch on a busy machine; apart from `page_timeout`, which is the pages' own


@dataclass(frozen=True)
class GraphStep:
    """An ```autograd-graph``` block: draw a tensor of the page's session with these options."""

    options: dict[str, str]


Step = Snippet | GraphStep


@dataclass
class PageOutput:
    results: list[str]  # one per step: the snippet's output, or the diagram's HTML
    modules: dict[str, str]  # the snippet modules the page imported (PageSession.imported_modules)


class StepFailed(Exception):
    """A step raised, ended the worker or ran past the page's time limit; the message names the snippet file."""


class Worker:
    def __init__(self, page_timeout: float):
        self.page_timeout = page_timeout
        self._process: multiprocessing.Process | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._busy = False  # a page is running: closing cannot wait for it

    def start(self) -> None:
        """Start the worker unless it runs already: early, so that torch imports while mkdocs reads files."""
        if self._process is not None:
            return
        # spawn: a fresh interpreter, not a fork of mkdocs with its threads (the notebooks' pool) and state.
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        # Not a daemon: daemonic processes may not start processes, and a snippet's DataLoader may.
        self._process = context.Process(target=_serve, args=(child_end,), name="tutorial-snippets")
        self._process.start()
        child_end.close()  # ours closed, the pipe reads EOF once the child is gone
        self._ready = False
        # multiprocessing joins live children at exit, and this one waits for pages forever: Ctrl-C must end it.
        atexit.register(self.close)

    def run_page(self, snippets_dir: Path, steps: list[Step]) -> PageOutput:
        self.start()
        self._await_ready()
        self._conn.send((snippets_dir, steps))
        self._busy = True
        deadline = time.monotonic() + self.page_timeout
        current = 0
        while True:
            message = self._receive(deadline, lambda code: f"{_name(steps[current])}: {_ended(code)}")
            if message is None:
                self._kill()
                raise StepFailed(
                    f"{_name(steps[current])}: did not finish within {self.page_timeout:g} s "
                    "(tutorial plugin option `page_timeout`)"
                )
            kind, *rest = message
            if kind == "step":
                current = rest[0]
            elif kind == "failed":
                self._busy = False
                raise StepFailed(rest[0])
            else:
                self._busy = False
                return PageOutput(*rest)

    def close(self) -> None:
        """Stop the worker (nothing when it is not running)."""
        atexit.unregister(self.close)
        if self._process is None:
            return
        if not self._busy:  # Ctrl-C in the middle of a page leaves it busy: then it is killed at once
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._process.join(timeout=5)
        self._kill()

    def _await_ready(self) -> None:
        if self._ready:
            return
        message = self._receive(
            time.monotonic() + STARTUP_TIMEOUT_S,
            lambda code: f"the snippets' worker ended while starting ({_exit_status(code)})",
        )
        if message is None:
            self._kill()
            raise StepFailed(f"the snippets' worker did not start within {STARTUP_TIMEOUT_S} s")
        self._ready = True

    def _receive(self, deadline: float, died: Callable[[int], str]):
        """The worker's next message, or None past `deadline`. StepFailed(died(exit code)) if the worker ended."""
        ready = wait([self._conn, self._process.sentinel], timeout=max(0.0, deadline - time.monotonic()))
        if not ready:
            return None
        if self._conn in ready:  # before the sentinel: what the worker said before it ended comes first
            with contextlib.suppress(EOFError):
                return self._conn.recv()
        self._process.join()
        code = self._process.exitcode
        self._kill()
        raise StepFailed(died(code))

    def _kill(self) -> None:
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._conn.close()
        self._process = self._conn = None
        self._ready = self._busy = False


def _name(step: Step) -> str:
    if isinstance(step, GraphStep):
        return f"the autograd-graph block of {step.options.get('tensor', '?')!r}"
    return f"{step.rel} (section {step.section})" if step.section else step.rel


def _ended(code: int) -> str:
    return f"the snippet ended the build's Python ({_exit_status(code)})"


def _exit_status(code: int) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


# The worker's side. Messages it sends: ("ready",) once torch is imported; per page, ("step", i) as step i starts,
# then ("done", results, modules) or ("failed", message).


def _serve(conn: Connection) -> None:
    # Ctrl-C reaches the whole process group: it is for the build to handle, and the build ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with_the_build, daemon=True).start()
    with contextlib.suppress(ImportError):
        import torch  # noqa: F401  # now, while mkdocs reads files, rather than in the first page's time
    conn.send(("ready",))
    with contextlib.suppress(EOFError):  # the build's end of the pipe closed: nothing more to run
        while (request := conn.recv()) is not None:
            conn.send(_run_page(conn, *request))


def _end_with_the_build() -> None:
    """Exit once the build's process is gone (killed, say), even in the middle of a snippet that never ends."""
    wait([multiprocessing.parent_process().sentinel])
    os._exit(1)


def _run_page(conn: Connection, snippets_dir: Path, steps: list[Step]) -> tuple:
    from .formatters import graph
    from .session import PageSession, SnippetFailed

    session = PageSession(snippets_dir)  # forgets the snippet modules: `mkdocs serve` picks up their edits
    results = []
    for index, step in enumerate(steps):
        conn.send(("step", index))
        try:
            if isinstance(step, GraphStep):
                results.append(graph.render(step.options, session.namespace))
            else:
                results.append(session.run(step))
        except (SnippetFailed, ValueError) as error:  # the snippet's error, or a bad block: the message says it
            return ("failed", str(error))
        except Exception:  # noqa: BLE001  # a fault of the plugin's own: its whole traceback helps
            return ("failed", f"{_name(step)}: {traceback.format_exc()}")
    return ("done", results, session.imported_modules())
