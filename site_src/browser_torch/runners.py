"""Run a Python file against the in-browser runtime: in CPython, or inside real Pyodide under Node.js."""

import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass

from .build import RUNTIME_SOURCE, cached_site_packages, pyodide_runner_command


@dataclass
class Result:
    """One file's run: what it printed and its exit status."""

    file: str
    status: int
    stdout: str
    stderr: str


def cpython_env() -> dict:
    """os.environ with site_src/runtime on PYTHONPATH.

    PYTHONPATH entries come before site-packages, so `import torch` finds the runtime, not the real torch in the
    venv, while the file itself runs exactly as under `python FILE` (its folder first on sys.path, its traceback,
    its exit status).
    """
    path = [str(RUNTIME_SOURCE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path)}


def run_in_cpython(file, argv=()) -> int:
    """Run file with its output going straight to this process's stdout and stderr; return its exit status."""
    return run_child([sys.executable, str(file), *argv], env=cpython_env())


def pyodide_command(*arguments) -> list[str]:
    """node pyodide_run.mjs with arguments, on the runtime wheel of the current sources (built when they change)."""
    return pyodide_runner_command("--lockfile", str(cached_site_packages()), *arguments)


def run_in_pyodide(file, argv=()) -> int:
    """Run file inside Pyodide, output streamed to this process's stdout and stderr; return its exit status."""
    return run_child(pyodide_command("--", str(file), *argv))


def run_many_in_pyodide(files, argv=(), cwd=None, env=None, timeout=None) -> list[Result]:
    """Run each file in turn inside one Pyodide (one boot), each with fresh module state; capture what it prints.

    Files are named as given (relative to cwd, the working directory inside Pyodide too); each gets argv.
    env: variables added to this process's environment (BROWSER_TORCH_* ones reach Python inside Pyodide).
    """
    jobs = json.dumps({"jobs": [{"file": str(file), "argv": list(argv)} for file in files]})
    done = subprocess.run(
        pyodide_command("--batch"),
        input=jobs,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the Pyodide runner failed ({done.returncode}):\n{done.stderr}")
    return [Result(**json.loads(line)) for line in done.stdout.splitlines()]


# Signals that end this process by default and that a child in the same process group does not get too: passed
# on, so that `kill PID` (a supervisor, a test's timeout) ends the program it runs rather than orphaning it. The
# terminal's Ctrl+C already reaches the whole foreground group, so SIGINT is left to the child alone: forwarding it
# too would interrupt the program twice.
FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def run_child(command: list[str], env: dict | None = None) -> int:
    """Run command with this process's stdin, stdout and stderr; return its exit status as a shell reports it.

    While it runs, FORWARDED signals go to the child (this process then waits for it and returns its status)
    and SIGINT is ignored here. On Linux the child is also sent SIGTERM should this process die without the
    chance to forward anything (SIGKILL).
    """
    in_main_thread = threading.current_thread() is threading.main_thread()  # only it may set handlers
    child = subprocess.Popen(command, env=env, preexec_fn=_end_with_parent(os.getpid()))
    previous = {}
    if in_main_thread:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
        for number in FORWARDED:
            previous[number] = signal.signal(number, lambda number, _frame: child.send_signal(number))
    try:
        return _status(child.wait())
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if child.poll() is None:  # this process is leaving on an exception: never leave the child behind
            child.kill()
            child.wait()


def _end_with_parent(parent: int):
    """A preexec_fn that has Linux send the child SIGTERM when its parent dies; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1

    def end_with_parent():
        prctl(pr_set_pdeathsig, int(signal.SIGTERM))
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGTERM)

    return end_with_parent


def _status(returncode: int) -> int:
    """A child's exit status as a shell reports it (128 + N when signal N ended it)."""
    return 128 - returncode if returncode < 0 else returncode
