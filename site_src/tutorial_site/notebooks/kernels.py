"""Execute the notebooks: real PyTorch in fresh kernels, in the background, cached by their code.

Executions run in a pool of threads that wait on kernels (processes of their own) while mkdocs goes on with the next
pages. Outputs are kept under .cache/notebooks/, keyed by a notebook's code (and the Python, torch, ipykernel
versions): `mkdocs serve` re-executes a page's notebook only when its code changed, never for a prose edit.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CELL_TIMEOUT_S = 120


class Executions:
    """The build's notebook executions, by page: started as the pages run, waited for as their notebooks are read."""

    def __init__(self, cache: Path):
        self.cache = cache
        # Kernels are processes of their own; these threads only wait on them.
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
        self.futures: dict[str, Future] = {}  # page -> its executed notebook
        self.used_cache: set[Path] = set()

    def submit(self, page_uri: str, notebook: nbformat.NotebookNode) -> None:
        self.futures[page_uri] = self.pool.submit(self._execute, notebook, page_uri)

    def result(self, page_uri: str) -> nbformat.NotebookNode:
        if page_uri not in self.futures:
            raise PluginError(f"the notebook of {page_uri} was read before the page ran (generated files come last)")
        return self.futures[page_uri].result()

    def shutdown(self) -> None:
        self.pool.shutdown(cancel_futures=True)

    def forget_stale(self) -> None:
        """Forget executions no page uses any more."""
        for stale in set(self.cache.glob("*.ipynb")) - self.used_cache:
            stale.unlink(missing_ok=True)

    def _execute(self, notebook: nbformat.NotebookNode, page_uri: str) -> nbformat.NotebookNode:
        """`notebook` with its outputs, from the cache if the same code ran before: prose edits never re-run it."""
        executed = self._cached_run(notebook, page_uri)
        ran = [cell for cell in executed.cells if cell.cell_type == "code"]
        for cell, done in zip([cell for cell in notebook.cells if cell.cell_type == "code"], ran):
            cell.outputs, cell.execution_count = done.outputs, done.execution_count
        notebook.metadata.language_info = executed.metadata.language_info
        return notebook

    def _cached_run(self, notebook: nbformat.NotebookNode, page_uri: str) -> nbformat.NotebookNode:
        """A copy of `notebook` executed, or the one the cache keeps for the same code and versions."""
        code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        versions = [sys.version, importlib.metadata.version("torch"), importlib.metadata.version("ipykernel")]
        key = hashlib.sha256(json.dumps([code, versions]).encode()).hexdigest()[:32]
        cached = self.cache / f"{key}.ipynb"
        self.used_cache.add(cached)
        if cached.exists():
            return nbformat.read(cached, as_version=4)
        executed = copy.deepcopy(notebook)
        try:
            execute(executed)
        except CellExecutionError as error:
            raise PluginError(f"the notebook of {page_uri}: {error}") from None
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")  # renamed whole: a concurrent build never reads half
        nbformat.write(executed, partial)
        partial.replace(cached)
        return executed


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
