"""A snippet that crashes, hangs, is not UTF-8, does not compile or raises fails the build in a few lines that name
the page, the snippet file and its line, and leaves the previous build's site folder as it was."""

from __future__ import annotations

import logging
import multiprocessing
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

PAGE = '# Faulty\n\n```python\n--8<-- "faulty.py"\n```\n'
MARKER = "the previous build's page"
# A build that succeeds renders the pages' notebooks, as mkdocs.yml does.
WITH_NOTEBOOKS = textwrap.dedent("""\
    plugins:
      - tutorial
      - mkdocs-jupyter: {include: ["notebooks/*.ipynb"], ignore: ["*.md"], execute: false}
    """)


def project(tmp_path: Path, snippet: bytes, *, config: str = "", page: str = PAGE) -> Path:
    """A one-page site whose page runs snippets/faulty.py, and a site folder a previous build left."""
    (tmp_path / "snippets").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets" / "faulty.py").write_bytes(snippet)
    (tmp_path / "docs" / "index.md").write_text(page)
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent("""\
        site_name: faulty
        theme: {name: material, font: false}
        markdown_extensions: [md_in_html, pymdownx.superfences]
        """)
        + (config or "plugins: [tutorial]\n")
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(MARKER)
    return site


def failed_build(tmp_path: Path, caplog) -> str:
    """Build the project in this process; it must fail. Returns the error mkdocs logged."""
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises((PluginError, Abort)):
        build(config)
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors, "the build failed without saying why"
    return errors[-1]


def assert_untouched(site: Path) -> None:
    assert sorted(path.name for path in site.iterdir()) == ["index.html"]
    assert (site / "index.html").read_text() == MARKER
    assert not [path for path in site.parent.iterdir() if ".building-" in path.name], "a staging folder was left"
    assert not multiprocessing.active_children(), "the snippets' worker outlived the build"


def test_a_snippet_that_ends_python_fails_the_build_and_keeps_the_site(tmp_path):
    """Through the command line, as a deploy runs it: exit status, message, site folder."""
    site = project(tmp_path, b"import os\nprint('bye')\nos._exit(0)\n")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode != 0
    assert "index.md: snippets/faulty.py: the snippet ended the build's Python (exit code 0)" in done.stderr
    assert "Traceback" not in done.stderr
    assert_untouched(site)


def test_a_snippet_that_never_ends_fails_the_build_after_the_page_timeout(tmp_path, caplog):
    site = project(
        tmp_path, b"print('start')\nwhile True:\n    pass\n", config="plugins: [{tutorial: {page_timeout: 3}}]\n"
    )
    started = time.monotonic()
    message = failed_build(tmp_path, caplog)
    assert time.monotonic() - started < 60  # 3 s of the page, and the worker's start
    assert message == (
        "index.md: snippets/faulty.py: did not finish within 3 s (tutorial plugin option `page_timeout`)"
    )
    assert_untouched(site)


def test_a_snippet_that_is_not_utf8_names_its_line_and_column(tmp_path, caplog):
    site = project(tmp_path, b"x = 1\nname = 'caf\xe9'\n")
    message = failed_build(tmp_path, caplog)
    column = len("name = 'caf") + 1
    assert message == f"index.md: snippets/faulty.py:2: not UTF-8 (byte 0xe9 at column {column})"
    assert_untouched(site)


def test_a_syntax_error_shows_the_line_and_its_caret_only(tmp_path, caplog):
    site = project(tmp_path, b"x = 1\ny = (x +\nprint(y)\n")
    message = failed_build(tmp_path, caplog)
    first, *rest = message.split("\n")
    assert first.startswith("index.md: snippets/faulty.py:2: SyntaxError: ")
    assert "never closed" in first
    assert rest == ["    y = (x +", "        ^"]
    assert_untouched(site)


def test_a_raise_shows_the_snippet_frames_only(tmp_path, caplog):
    site = project(tmp_path, b"import helper\n\nhelper.parse('x')\n")
    (tmp_path / "snippets" / "helper.py").write_text("def parse(text):\n    return int(text)\n")
    message = failed_build(tmp_path, caplog)
    assert message.split("\n") == [
        "index.md: snippets/helper.py:2: ValueError: invalid literal for int() with base 10: 'x'",
        "Traceback (most recent call last):",
        '  File "snippets/faulty.py", line 3, in <module>',
        "    helper.parse('x')",
        '  File "snippets/helper.py", line 2, in parse',
        "    return int(text)",
    ]
    assert_untouched(site)


def test_a_strict_warning_after_the_pages_ran_keeps_the_site(tmp_path, caplog):
    """mkdocs fails a strict build only after post_build: the site must not be published before."""
    site = project(tmp_path, b"print('fine')\n", page=PAGE + "\n[nowhere](missing.md)\n", config=WITH_NOTEBOOKS)
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(site), strict=True)
    with pytest.raises(Abort):
        build(config)
    assert config.site_dir == str(site)
    assert_untouched(site)


def test_a_good_build_replaces_the_site(tmp_path):
    site = project(tmp_path, b"print('fine')\n", config=WITH_NOTEBOOKS)
    (site / ".keep").write_text("hidden entries stay, as mkdocs' own clean leaves them")
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(site), strict=True)
    build(config)
    assert config.site_dir == str(site)  # gh-deploy publishes from it next
    assert "fine" in (site / "index.html").read_text()
    assert (site / ".keep").exists() and (site / "sitemap.xml").exists()
    assert not [path for path in tmp_path.iterdir() if ".building-" in path.name]
    assert not multiprocessing.active_children()
