"""The part of Python's standard library a page session reads, shipped as bytecode ahead of the rest.

Pyodide's python_stdlib.zip (2.5 MB) holds every module as source, so a bare Pyodide compiles the ~140 modules
its own start-up, loading a wheel and `import torch` read, on every page load: most of a second of the boot.
The site instead boots from python_stdlib_session.zip, only those modules (listed in SESSION_LIST), compiled to
bytecode at build time by Pyodide's own Python (stdlib_zip.py), and fetches the full zip only when a reader
imports a module left out (the runner's import hook, session.py's StdlibRest).

    .venv/bin/python -m browser_torch.stdlib SITE_DIR    rewrite SESSION_LIST from a site built with mkdocs

traces what the built pages' cells import in Pyodide under Node.js (stdlib_trace.py); the tests check the list
still covers that.
"""

import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from browser_torch.build import CACHE, _locked, _prune_stale, cached_site_packages, find_pyodide_dist
from browser_torch.build import pyodide_runner_command

HERE = Path(__file__).resolve().parent
SITE_SRC = HERE.parent
SESSION_LIST = SITE_SRC / "runner" / "stdlib-session.txt"
SESSION_ZIP = "python_stdlib_session.zip"
TRACE = HERE / "stdlib_trace.py"
WRITE_ZIP = HERE / "stdlib_zip.py"
PAGE_DATA = re.compile(r'<div id="nn-page"[^>]*data-json="([^"]*)"')


def session_zip() -> Path:
    """python_stdlib_session.zip for SESSION_LIST and this Pyodide, built once and cached until either changes."""
    listed = read_list()
    stdlib = find_pyodide_dist() / "python_stdlib.zip"
    digest = hashlib.sha256(WRITE_ZIP.read_bytes() + stdlib.read_bytes() + "\n".join(listed).encode()).hexdigest()
    folder = CACHE / "stdlib-session" / digest[:16]
    target = folder / SESSION_ZIP
    with _locked(CACHE / "stdlib-session.lock"):
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                (Path(tmp) / "list.txt").write_text("".join(f"{name}\n" for name in listed))
                _pyodide(WRITE_ZIP, ["list.txt", SESSION_ZIP], cwd=tmp)
                (Path(tmp) / SESSION_ZIP).chmod(0o644)  # Pyodide writes files world-writable
                (Path(tmp) / SESSION_ZIP).rename(target)
            _prune_stale(folder)
    return target


def read_list() -> list[str]:
    lines = SESSION_LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def trace(site_dir: Path) -> list[str]:
    """The members of python_stdlib.zip that the built site's pages read in Pyodide, as stdlib_trace.py finds them."""
    pages = []
    for built in sorted(Path(site_dir).rglob("index.html")):
        found = PAGE_DATA.search(built.read_text(encoding="utf-8"))
        if found:
            data = json.loads(html.unescape(found[1]))
            pages.append({"cells": [cell["code"] for cell in data["cells"]], "modules": data["modules"]})
    with tempfile.TemporaryDirectory(prefix="stdlib-trace-") as tmp:
        (Path(tmp) / "pages.json").write_text(json.dumps({"pages": pages}))
        shutil.copy(SITE_SRC / "runner" / "src" / "session.py", Path(tmp) / "nn_page_session.py")
        shutil.copytree(SITE_SRC / "grad_graph", Path(tmp) / "grad_graph")
        _pyodide(TRACE, ["pages.json", "files.txt"], cwd=tmp, lockfile=cached_site_packages())
        return (Path(tmp) / "files.txt").read_text().split()


def _pyodide(script: Path, arguments: list[str], cwd, lockfile: Path | None = None) -> None:
    """Run script inside Pyodide under Node.js (bare, or with the runtime's wheel from lockfile)."""
    options = ["--lockfile", str(lockfile)] if lockfile else []
    done = subprocess.run(
        pyodide_runner_command(*options, "--", str(script), *arguments), cwd=cwd, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} failed in Pyodide:\n{done.stdout[-2000:]}\n{done.stderr}")


def main(site_dir: str) -> None:
    files = trace(Path(site_dir))
    header = SESSION_LIST.read_text(encoding="utf-8").partition("\n\n")[0].rstrip("\n")
    SESSION_LIST.write_text(header + "\n\n" + "".join(f"{name}\n" for name in files), encoding="utf-8")
    print(f"{SESSION_LIST.relative_to(SITE_SRC.parent)}: {len(files)} files")


if __name__ == "__main__":
    main(*sys.argv[1:])
