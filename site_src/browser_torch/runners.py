"""Run a Python file against the in-browser runtime: in CPython, or inside real Pyodide under Node.js."""

import json
import os
import subprocess
import sys
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
    return _status(subprocess.run([sys.executable, str(file), *argv], env=cpython_env()).returncode)


def pyodide_command(*arguments) -> list[str]:
    """node pyodide_run.mjs with arguments, on the runtime wheel of the current sources (built when they change)."""
    return pyodide_runner_command("--lockfile", str(cached_site_packages()), *arguments)


def run_in_pyodide(file, argv=()) -> int:
    """Run file inside Pyodide, output streamed to this process's stdout and stderr; return its exit status."""
    return _status(subprocess.run(pyodide_command("--", str(file), *argv)).returncode)


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


def _status(returncode: int) -> int:
    """A child's exit status as a shell reports it (128 + N when signal N ended it)."""
    return 128 - returncode if returncode < 0 else returncode
