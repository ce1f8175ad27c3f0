"""runner-sw.js's list of files: by content digest, so identical builds write identical bytes (issue 14, item 3)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from tutorial_site.assets import _write_service_worker


def precache(site: Path) -> dict:
    first_line = (site / "runner-sw.js").read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line.startswith("const PRECACHE = ") and first_line.endswith(";")
    return json.loads(first_line[len("const PRECACHE = ") : -1])


def small_site(root: Path) -> Path:
    files = {
        "index.html": "<h1>Home</h1>",
        "loss/index.html": "<h1>Loss</h1>",
        "404.html": "<h1>Not here</h1>",
        "assets/runner/runner.js": "console.log(1);",
        "assets/runner/runner.js.map": "{}",  # never fetched offline: not listed
        "sitemap.xml.gz": "",
        "search/lunr/stemmer.fr.js": "",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_files_are_listed_by_their_address_with_the_digest_of_their_content(tmp_path):
    site = small_site(tmp_path)
    _write_service_worker(site)
    digest = lambda text: hashlib.sha256(text.encode()).hexdigest()[:16]  # noqa: E731
    listed = precache(site)
    assert listed["files"] == {
        "./": digest("<h1>Home</h1>"),
        "404.html": digest("<h1>Not here</h1>"),
        "assets/runner/runner.js": digest("console.log(1);"),
        "loss/": digest("<h1>Loss</h1>"),
    }
    assert listed["version"] == digest(json.dumps(listed["files"]))


def test_builds_of_the_same_content_write_the_same_worker_whatever_the_files_times(tmp_path):
    first = small_site(tmp_path / "first")
    _write_service_worker(first)
    second = tmp_path / "second"
    shutil.copytree(first, second, copy_function=shutil.copy)  # new modification times
    for number, path in enumerate(sorted(second.rglob("*"))):
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    (second / "runner-sw.js").unlink()
    _write_service_worker(second)
    assert (second / "runner-sw.js").read_bytes() == (first / "runner-sw.js").read_bytes()

    before = (second / "runner-sw.js").stat().st_mtime_ns
    _write_service_worker(second)  # a rebuild into the same folder leaves the file alone
    assert (second / "runner-sw.js").stat().st_mtime_ns == before


def test_a_changed_file_changes_its_entry_and_the_version(tmp_path):
    site = small_site(tmp_path / "site")
    _write_service_worker(site)
    old_version, old = precache(site)["version"], precache(site)["files"]
    (site / "assets/runner/runner.js").write_text("console.log(2);", encoding="utf-8")
    _write_service_worker(site)
    new = precache(site)["files"]
    assert {name for name in new if new[name] != old[name]} == {"assets/runner/runner.js"}
    assert precache(site)["version"] != old_version


def test_the_built_sites_worker_lists_the_digest_of_every_file_as_written(built_site):
    # Nothing may rewrite a file after the worker's list is made (another plugin's on_post_build): a worker whose
    # digests differ from what the host serves would never store those files.
    site, _ = built_site
    files = precache(site)["files"]
    assert "assets/runner/runner.js" in files and "./" in files and "assets/pyodide/pyodide.asm.wasm" in files
    for address, digest in files.items():
        path = site / (address + "index.html" if address.endswith("/") else address)
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] == digest, address
