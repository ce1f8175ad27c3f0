"""Every snippet prints the same with the in-browser runtime as with real PyTorch: in CPython and inside Pyodide.

Real torch runs `python snippets/X.py` from the repository root; `browser-torch run` runs the same file with the
runtime as `torch`; inside Pyodide one Node.js process runs all snippets, each with fresh module state.
Object addresses (0x7f...) differ between any two runs and are masked.
"""

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from browser_torch.runners import run_many_in_pyodide
from support import mask_addresses

REPO = Path(__file__).resolve().parents[2]
SNIPPETS = sorted(path.relative_to(REPO) for path in (REPO / "snippets").glob("*.py"))
BROWSER_TORCH = Path(sys.executable).with_name("browser-torch")

snippet_params = pytest.mark.parametrize("snippet", SNIPPETS, ids=[path.stem for path in SNIPPETS])


@cache
def real_torch(snippet):
    done = subprocess.run([sys.executable, str(snippet)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{snippet} fails with real PyTorch:\n{done.stderr}"
    return mask_addresses(done.stdout)


@pytest.fixture(scope="module")
def in_pyodide():
    """Every snippet's result inside Pyodide, by file, from one Node.js process."""
    results = run_many_in_pyodide(SNIPPETS, cwd=REPO, timeout=900)
    return {Path(result.file): result for result in results}


@snippet_params
def test_cpython_runtime_prints_what_torch_prints(snippet):
    done = subprocess.run(
        [str(BROWSER_TORCH), "run", str(snippet)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert mask_addresses(done.stdout) == real_torch(snippet)


@pytest.mark.pyodide
@snippet_params
def test_pyodide_runtime_prints_what_torch_prints(in_pyodide, snippet):
    result = in_pyodide[snippet]
    assert result.status == 0, result.stderr
    assert mask_addresses(result.stdout) == real_torch(snippet)
