"""The browser side of the site: what the plugin adds to every page, and what it installs into the built site.

    extra_css(), extra_javascript()   site-relative paths the plugin appends to mkdocs' extra_css/extra_javascript
    install(site_dir)                 called from on_post_build: writes everything below into the built site

    assets/runner/    the page runner (site_src/runner/, bundled by esbuild) and grad_graph.zip for "Show graph"
    assets/pyodide/   Pyodide's core from node_modules/pyodide (the version package-lock.json pins), the in-browser
                      torch wheel and a pyodide-lock.json that registers it with its sha256 (browser_torch.build),
                      and the part of the standard library the pages read, compiled (browser_torch.stdlib)
    assets/grad_graph/  the diagrams' stylesheet (Material's colours) and the script that shows a node's path
    assets/viz/       @viz-js/viz, Graphviz in WebAssembly, for graphs drawn in the browser
    runner-sw.js      the service worker that keeps the site for offline use (at the root: its scope is the site)

and a Content-Security-Policy <meta> in every page: scripts, styles, fetches and workers from the site itself only.

Rebuilds are incremental (`mkdocs serve`): the bundles are cached under .cache/runner/ by a digest of their
sources, the wheel by browser_torch's own cache, and files already in place are not copied again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from browser_torch import stdlib
from browser_torch.build import cached_site_packages, find_pyodide_dist

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "site_src" / "runner"
RUNNER_BUILD = RUNNER / "build.mjs"  # the runner's esbuild entry points and outputs
GRAD_GRAPH = ROOT / "site_src" / "grad_graph"
NODE_MODULES = ROOT / "node_modules"
BUNDLE_CACHE = ROOT / ".cache" / "runner"

# What the page needs of Pyodide's npm package (its console pages and source maps stay out).
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
VIZ_FILE = NODE_MODULES / "@viz-js" / "viz" / "dist" / "viz-global.js"
INLINE_SCRIPTS = ("boot.js", "sitemap.js")  # bundled, then inlined into <head> (runner/overrides/main.html)

CSP_META = re.compile(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>')
INLINE_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.S)


def extra_css() -> list[str]:
    return ["assets/runner/runner.css", "assets/grad_graph/graph.css"]


def extra_javascript() -> list[str]:
    return ["assets/runner/runner.js", "assets/grad_graph/graph.js"]


def install(site_dir: Path, *, live_reload: bool = False) -> None:
    """Write the runner, Pyodide, the torch wheel and the service worker into site_dir; add the CSP to its pages.

    live_reload: `mkdocs serve` injects an inline script into every page it serves; allow inline scripts then.
    """
    site_dir = Path(site_dir)
    assets = site_dir / "assets"
    for name, source in bundle().items():
        if name not in INLINE_SCRIPTS:  # inlined into the pages instead
            _copy(source, assets / "runner" / name)
    _copy(RUNNER / "runner.css", assets / "runner" / "runner.css")
    _write_grad_graph_zip(assets / "runner" / "grad_graph.zip")
    for name in ("graph.css", "graph.js"):  # diagrams' theme and node paths, for build-time and live graphs alike
        _copy(GRAD_GRAPH / name, assets / "grad_graph" / name)
    pyodide = _pyodide_dist()
    for name in PYODIDE_FILES:
        _copy(pyodide / name, assets / "pyodide" / name)
    lockfile = cached_site_packages()  # the runtime's wheel + Pyodide's lockfile with it, rebuilt when it changes
    for packaged in lockfile.parent.iterdir():
        if packaged != lockfile:
            _copy(packaged, assets / "pyodide" / packaged.name)
    _write_shipped_lockfile(lockfile, assets / "pyodide" / lockfile.name)
    _copy(stdlib.session_zip(), assets / "pyodide" / stdlib.SESSION_ZIP)  # what the worker boots from
    _copy(VIZ_FILE, assets / "viz" / VIZ_FILE.name)
    add_content_security_policy(site_dir, live_reload=live_reload)
    _write_service_worker(site_dir)


def inline_script(name: str) -> str:
    """A script that pages inline into <head> (runner/overrides/main.html): boot.js starts the worker early,
    sitemap.js lets instant navigation work wherever the site is served."""
    return bundle()[name].read_text(encoding="utf-8").strip()


def download_bytes() -> int:
    """What the worker fetches to boot: Pyodide's wasm, the session's part of the standard library, the lockfile and
    the wheels the site ships (the worker counts its fetches against this; the two .mjs modules are imports)."""
    core = (_pyodide_dist() / "pyodide.asm.wasm").stat().st_size + stdlib.session_zip().stat().st_size
    lockfile = cached_site_packages()
    return (
        core
        + sum(path.stat().st_size for path in lockfile.parent.iterdir() if path != lockfile)
        + len(_shipped_lockfile_text(lockfile).encode())
    )


def bundle() -> dict[str, Path]:
    """The runner's scripts by file name, built by its own build (site_src/runner/build.mjs, `npm run build:runner`:
    the entry points and output names are declared there) and cached by a digest of its sources."""
    sources = sorted((RUNNER / "src").rglob("*")) + [RUNNER_BUILD, ROOT / "package-lock.json"]
    digest = hashlib.sha256()
    for path in sources:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    out = BUNDLE_CACHE / digest.hexdigest()[:16]
    if not out.is_dir():  # complete or absent: a build is renamed into place whole
        staging = out.with_name(f"{out.name}.{os.getpid()}.tmp")  # concurrent builds (serve + build) stage apart
        try:
            _run(["node", RUNNER_BUILD, staging])
            staging.rename(out)
        except OSError:  # another build put the same bundle in place first
            if not out.is_dir():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # what is left of a failed build, or of a redundant one
        for stale in BUNDLE_CACHE.iterdir():
            if stale != out and not stale.name.endswith(".tmp"):  # another build's staging is still being written
                shutil.rmtree(stale, ignore_errors=True)
    return {path.name: path for path in sorted(out.iterdir())}


def add_content_security_policy(site_dir: Path, *, live_reload: bool = False) -> None:
    """Put one CSP <meta> first in every page's <head>: nothing may load from another origin.

    Material's inline scripts are allowed by their sha256, taken from the built pages themselves (their text
    depends on the page's depth). Every page gets the same policy, the union: with instant navigation the policy
    of the first page opened stays in force for all the pages shown after it.
    """
    pages = sorted(site_dir.rglob("*.html"))
    texts = {page: CSP_META.sub("", page.read_text(encoding="utf-8"), count=1) for page in pages}
    hashes = sorted(
        {
            _script_hash(m["body"])
            for text in texts.values()
            for m in INLINE_SCRIPT.finditer(text)
            if _is_inline_javascript(m["attributes"])
        }
    )
    inline = ["'unsafe-inline'"] if live_reload else [f"'sha256-{h}'" for h in hashes]
    policy = "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self' 'wasm-unsafe-eval'", *inline]),  # WebAssembly: Pyodide and Graphviz
            "style-src 'self' 'unsafe-inline'",  # Material and CodeMirror set inline styles
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    for page, text in texts.items():
        # Right after <meta charset>, which must stay within the page's first 1024 bytes; before every script.
        anchor = re.search(r"<meta charset=[^>]*>|<head>", text)
        if anchor:
            page.write_text(f"{text[: anchor.end()]}\n    {meta}{text[anchor.end() :]}", encoding="utf-8")


def _is_inline_javascript(attributes: str) -> bool:
    if "src=" in attributes:
        return False
    kind = re.search(r'type="([^"]*)"', attributes)
    return kind is None or kind[1] in ("text/javascript", "module")


def _script_hash(body: str) -> str:
    return base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()


def _write_service_worker(site_dir: Path) -> None:
    """runner-sw.js with every file of the site and a digest of its content (what sw.js stores them by), and a
    version: the digest of that list.

    Content, not modification times: a rebuild of the same sources writes the same runner-sw.js byte for byte,
    so readers' browsers find nothing new and download nothing; a rebuild that changes files changes it, and
    the new worker downloads those files only.
    """
    files = {}
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        # Source maps, the gzipped sitemap and the search stemmers of other languages are never fetched offline.
        if (
            not path.is_file()
            or relative == "runner-sw.js"
            or relative.endswith((".map", ".gz"))
            or "/lunr/" in relative
        ):
            continue
        # Pages are requested by their folder (loss/), the root page as ./
        address = relative[: -len("index.html")] or "./" if relative.endswith("index.html") else relative
        files[address] = _content_digest(path)
    listing = json.dumps(dict(sorted(files.items())))
    precache = {"version": hashlib.sha256(listing.encode()).hexdigest()[:16], "files": json.loads(listing)}
    script = f"const PRECACHE = {json.dumps(precache)};\n" + (RUNNER / "sw.js").read_text(encoding="utf-8")
    target = site_dir / "runner-sw.js"
    if not target.exists() or target.read_text(encoding="utf-8") != script:
        target.write_text(script, encoding="utf-8")


def _content_digest(path: Path) -> str:
    """The first 16 hex digits of the file's sha256 (sw.js computes the same of what it downloads)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def _write_shipped_lockfile(lockfile: Path, target: Path) -> None:
    """The lockfile with only the packages whose wheel the site ships. Pyodide's own lists hundreds (numpy, ...)
    that are not on the site: with them listed, `import numpy` in a cell would try to fetch a wheel the host
    does not have ("Failed to fetch") before failing; unlisted, it fails at once with ModuleNotFoundError."""
    text = _shipped_lockfile_text(lockfile)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _shipped_lockfile_text(lockfile: Path) -> str:
    lock = json.loads(lockfile.read_text(encoding="utf-8"))
    lock["packages"] = {
        name: package
        for name, package in lock["packages"].items()
        if (lockfile.parent / package["file_name"]).is_file()
    }
    return json.dumps(lock, indent=1, sort_keys=True)


def _write_grad_graph_zip(target: Path) -> None:
    """grad_graph's pure-Python modules, unpacked into the worker's site-packages when "Show graph" is first used."""
    modules = sorted(p for p in GRAD_GRAPH.glob("*.py"))
    data = {f"grad_graph/{p.name}": p.read_bytes() for p in modules}
    if target.exists():
        with zipfile.ZipFile(target) as existing:
            if {name: existing.read(name) for name in existing.namelist()} == data:
                return
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in data.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content)


def _pyodide_dist() -> Path:
    """node_modules/pyodide, checked against the version package-lock.json pins."""
    dist = find_pyodide_dist()
    pinned = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/pyodide"]["version"]
    installed = json.loads((dist / "package.json").read_text())["version"]
    if installed != pinned:
        raise RuntimeError(f"node_modules has pyodide {installed}, package-lock.json pins {pinned}: run `npm ci`")
    return dist


def _copy(source: Path, target: Path) -> None:
    """Copy unless target already has source's size and modification time (shutil.copy2 keeps the time)."""
    if target.exists():
        a, b = source.stat(), target.stat()
        if a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _run(command: list) -> None:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}")
