"""Add bytecode to a pure-Python wheel, compiled by the Python that will run it: run inside Pyodide.

    node pyodide_run.mjs --pyodide node_modules/pyodide -- bytecode.py WHEEL   (build.add_bytecode does this)

Without .pyc files the browser compiles the runtime's sources on every page load: about 110 ms of the first
`import torch` in Pyodide under Node.js, out of 165. A .pyc is valid only for the Python version that wrote it
(3.14 in Pyodide 314, 3.11 in the project's venv), hence compiling here rather than on the host. The files are
unchecked-hash pycs (PEP 552): used whatever modification times the unpacked sources get. The .py files stay,
so tracebacks still show the source lines.

Standard library only: this runs in Pyodide's Python, not in the project's venv.
"""

import base64
import compileall
import hashlib
import os
import py_compile
import sys
import tempfile
import zipfile

# The timestamp build.py gives every file of the wheel (the earliest a zip holds): same sources, same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def add_bytecode(wheel):
    with tempfile.TemporaryDirectory() as tree:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tree)
            names = archive.namelist()
        record = next(name for name in names if name.endswith(".dist-info/RECORD"))
        packages = {name.split("/")[0] for name in names if name.endswith(".py")}
        for package in sorted(packages):
            compiled = compileall.compile_dir(
                os.path.join(tree, package),
                ddir=package,
                quiet=1,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
            if not compiled:
                raise SystemExit(f"compiling {package} failed")
        files = sorted(
            os.path.relpath(os.path.join(folder, name), tree).replace(os.sep, "/")
            for folder, _, found in os.walk(tree)
            for name in found
        )
        # RECORD lists every file with its hash and size, itself last and unhashed (the wheel spec, PEP 376).
        lines = [_record_line(name, _read(tree, name)) for name in files if name != record]
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in files:
                data = "".join(lines + [f"{record},,\n"]).encode() if name == record else _read(tree, name)
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.external_attr = 0o644 << 16  # rw-r--r--, as setuptools writes them
                archive.writestr(info, data, zipfile.ZIP_DEFLATED)


def _read(tree, name):
    with open(os.path.join(tree, name), "rb") as file:
        return file.read()


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


if __name__ == "__main__":
    add_bytecode(sys.argv[1])
