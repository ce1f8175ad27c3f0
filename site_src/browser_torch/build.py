"""Package the in-browser runtime (site_src/runtime) for Pyodide: its wheel, and a lockfile that registers it.

The site ships Pyodide's own pyodide-lock.json with one more entry, `browser-torch-runtime` (imports `torch`),
so the page loads it with `pyodide.loadPackage("browser-torch-runtime")` and Pyodide checks its sha256.
"""

import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

DISTRIBUTION = "browser-torch-runtime"
RUNTIME_SOURCE = Path(__file__).resolve().parents[1] / "runtime"
REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE = REPO_ROOT / ".cache"
NODE_RUNNER = Path(__file__).with_name("pyodide_run.mjs")
ASSEMBLE_WASM = Path(__file__).with_name("assemble_wasm.mjs")
BYTECODE = Path(__file__).with_name("bytecode.py")

# Pyodide 314's lockfile format needs pyodide-build 0.39 and pyodide-lock 0.2 (with pkginfo, the `wheel` extra, to
# read a wheel's metadata); they need Python >= 3.12 while the project's venv is 3.11, so they get a venv of their own.
PYODIDE_BUILD_REQUIREMENTS = ["pyodide-build==0.39.2", "pyodide-lock[wheel]==0.2.1"]
TOOL_VENV = CACHE / "pyodide-build-venv"

# Every file in the wheel gets this timestamp (1980-01-01, the earliest a zip holds): same sources, same sha256.
SOURCE_DATE_EPOCH = "315532800"


def build_wheel(dest_dir) -> Path:
    """Build the runtime's wheel for Pyodide into dest_dir: its PEP 517 backend's pure-Python wheel, plus bytecode
    compiled by Pyodide's Python (add_bytecode); return the wheel's path."""
    dest = Path(dest_dir).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="browser-torch-wheel-") as tmp:
        # Build from a copy: setuptools leaves build/ and *.egg-info/ beside its sources, and parallel builds
        # (pytest-xdist workers, the site build) must not share them.
        source = Path(tmp) / "runtime"
        shutil.copytree(RUNTIME_SOURCE, source, ignore=_not_packaged)
        for wat in sorted((source / "torch" / "_kernels").glob("*.wat")):
            assemble_wasm(wat)
        # The PEP 517 hook, called the way frontends such as pip call it (no isolation: setuptools is in the venv).
        hook = "import sys, setuptools.build_meta as backend; print(backend.build_wheel(sys.argv[1]))"
        done = subprocess.run(
            [sys.executable, "-c", hook, str(dest)],
            cwd=source,
            env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"building the runtime wheel failed:\n{done.stdout}\n{done.stderr}")
    wheel = dest / done.stdout.strip().splitlines()[-1]
    add_bytecode(wheel)
    return wheel


def assemble_wasm(wat: Path) -> Path:
    """wat's WebAssembly binary, written beside it (.wasm), by wabt from node_modules (assemble_wasm.mjs)."""
    wasm = wat.with_suffix(".wasm")
    done = subprocess.run([_node(), str(ASSEMBLE_WASM), str(wat), str(wasm)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"assembling {wat.name} failed:\n{done.stderr}")
    return wasm


def build_site_packages(dest_dir) -> Path:
    """Write the runtime wheel and pyodide-lock.json (Pyodide's, plus the wheel) into dest_dir; return the lockfile.

    The lockfile names the wheel by its bare file name, so Pyodide fetches it from the lockfile's own folder:
    load Pyodide with `lockFileURL` pointing at this file and call `loadPackage("browser-torch-runtime")`.
    """
    dest = Path(dest_dir).resolve()
    wheel = build_wheel(dest)
    lockfile = dest / "pyodide-lock.json"
    done = subprocess.run(
        [
            str(pyodide_build_tool()),
            "lockfile",
            "add-wheels",
            "--input",
            str(find_pyodide_dist() / "pyodide-lock.json"),
            "--output",
            str(lockfile),
            "--base-path",
            str(dest),
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`pyodide lockfile add-wheels` failed:\n{done.stdout}\n{done.stderr}")
    return lockfile


def add_bytecode(wheel: Path):
    """Add .pyc files compiled by Pyodide's own Python to the wheel, so the browser does not compile on import
    (why, and why inside Pyodide: bytecode.py)."""
    done = subprocess.run(
        pyodide_runner_command("--", str(BYTECODE), wheel.name),
        cwd=wheel.parent,  # mounted inside Pyodide at the same path
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"compiling the runtime wheel's bytecode in Pyodide failed:\n{done.stdout}\n{done.stderr}")


def pyodide_runner_command(*arguments) -> list[str]:
    """node pyodide_run.mjs on node_modules/pyodide, with arguments (bare Pyodide unless they give --lockfile)."""
    return [_node(), str(NODE_RUNNER), "--pyodide", str(find_pyodide_dist()), *arguments]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("node not found: Pyodide runs under Node.js")
    return node


def cached_site_packages() -> Path:
    """build_site_packages for the runtime's current sources, reused until they change; return the lockfile.

    `browser-torch run --pyodide` and the tests call this, so edits to the runtime show up on the next run.
    """
    folder = CACHE / "browser-torch" / f"site-{_source_digest()[:16]}"
    lockfile = folder / "pyodide-lock.json"
    with _locked(CACHE / "browser-torch.lock"):
        if not lockfile.exists():
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix="staging-", dir=folder.parent))
            try:
                build_site_packages(staging)
            except BaseException:
                shutil.rmtree(staging)
                raise
            staging.rename(folder)
            _prune_stale(folder)
    return lockfile


def find_pyodide_dist() -> Path:
    """node_modules/pyodide, found from the working directory upwards, then from this package upwards."""
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            dist = folder / "node_modules" / "pyodide"
            if (dist / "pyodide.mjs").exists():
                return dist
    raise FileNotFoundError("node_modules/pyodide not found: run `npm ci` at the project root")


def pyodide_build_tool() -> Path:
    """The `pyodide` command of pyodide-build, installed into .cache/pyodide-build-venv on first use."""
    tool = TOOL_VENV / "bin" / "pyodide"
    stamp = TOOL_VENV / "installed.txt"
    wanted = "\n".join(PYODIDE_BUILD_REQUIREMENTS)
    with _locked(CACHE / "pyodide-build-venv.lock"):
        if not (tool.exists() and stamp.exists() and stamp.read_text() == wanted):
            for command in (
                [str(_python_for_tools()), "-m", "venv", "--clear", str(TOOL_VENV)],
                [str(TOOL_VENV / "bin" / "python"), "-m", "pip", "install", "-q", *PYODIDE_BUILD_REQUIREMENTS],
            ):
                done = subprocess.run(command, capture_output=True, text=True)
                if done.returncode != 0:
                    raise RuntimeError(f"installing pyodide-build failed: {command}\n{done.stdout}\n{done.stderr}")
            stamp.write_text(wanted)
    return tool


def _python_for_tools() -> Path:
    """A Python >= 3.12: $BROWSER_TORCH_TOOL_PYTHON, python3.13/3.12 on PATH, or one installed by pyenv."""
    candidates = [os.environ.get("BROWSER_TORCH_TOOL_PYTHON"), shutil.which("python3.13"), shutil.which("python3.12")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
        candidates += sorted(glob.glob(f"{root}/versions/3.1[2-9]*/bin/python"), reverse=True)
    for candidate in filter(None, candidates):
        version = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info >= (3, 12))"], capture_output=True, text=True
        )
        if version.stdout.strip() == "True":
            return Path(candidate)
    raise RuntimeError("pyodide-build 0.39 needs Python >= 3.12: set BROWSER_TORCH_TOOL_PYTHON to one")


def _not_packaged(folder, names):
    """copytree's ignore: the names in folder that are not part of the runtime's sources."""
    return {name for name in names if not _is_source((Path(folder) / name).relative_to(RUNTIME_SOURCE).parts)}


def _is_source(parts) -> bool:
    build_output = parts[0] in ("build", "dist") or parts[0].endswith(".egg-info")
    return not (build_output or "__pycache__" in parts or parts[-1].endswith(".pyc"))


def _source_digest() -> str:
    """The runtime's sources and the code that packages them."""
    digest = hashlib.sha256(Path(__file__).read_bytes() + BYTECODE.read_bytes() + ASSEMBLE_WASM.read_bytes())
    for path in sorted(RUNTIME_SOURCE.rglob("*")):
        relative = path.relative_to(RUNTIME_SOURCE)
        if path.is_file() and _is_source(relative.parts):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _prune_stale(current: Path):
    """Drop cached builds of older sources (kept an hour, in case a running process still reads one)."""
    for folder in current.parent.iterdir():
        if folder != current and time.time() - folder.stat().st_mtime > 3600:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _locked(path: Path):
    """An exclusive lock on a file, held across processes (pytest-xdist workers build the same cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
