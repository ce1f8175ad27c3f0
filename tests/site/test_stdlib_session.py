"""The site's worker boots from the part of the standard library its pages read, compiled at build time
(browser_torch/stdlib.py): the list it ships must cover what the pages import, and the zip must hold it."""

from __future__ import annotations

import zipfile

from browser_torch import stdlib
from browser_torch.stdlib_zip import module_name


def test_the_shipped_part_covers_what_the_pages_read_in_pyodide(built_site):
    traced = stdlib.trace(built_site[0])
    missing = sorted(set(traced) - set(stdlib.read_list()))
    assert "re/__init__.py" in traced and "encodings/utf_8.py" in traced  # the trace sees the boot's own imports
    assert not missing, (
        f"the pages now read {missing}, which the worker would fetch with the whole standard library: "
        "rerun `.venv/bin/python -m browser_torch.stdlib SITE` on a built site"
    )


def test_the_session_zip_holds_bytecode_of_the_list_and_names_the_rest(built_site):
    shipped = built_site[0] / "assets" / "pyodide" / stdlib.SESSION_ZIP
    with zipfile.ZipFile(shipped) as session, zipfile.ZipFile(stdlib.find_pyodide_dist() / "python_stdlib.zip") as full:
        members = session.namelist()
        assert sorted(name.removesuffix("c") for name in members if name.endswith(".pyc")) == sorted(stdlib.read_list())
        assert not [name for name in members if name.endswith(".py")]  # bytecode only: nothing compiles at boot
        for name in members:
            if name.endswith(".pyc"):
                flags = int.from_bytes(session.read(name)[4:8], "little")
                assert flags == 0b01, name  # PEP 552 hash-based, unchecked: no source to check against
        rest = set(session.read("stdlib-rest.txt").decode().split())
        every = {module_name(name) for name in full.namelist() if name.endswith(".py")}
        assert rest == every - {module_name(name) for name in stdlib.read_list()}
        assert {"email.mime.text", "xml.dom.minidom", "sqlite3"} & every <= rest and "re" not in rest
    assert shipped.stat().st_size < 0.7 * (stdlib.find_pyodide_dist() / "python_stdlib.zip").stat().st_size
