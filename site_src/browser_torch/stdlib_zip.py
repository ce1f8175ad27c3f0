"""Write the page session's part of Python's standard library as bytecode: run inside Pyodide (stdlib.py does).

    node pyodide_run.mjs --pyodide DIR -- stdlib_zip.py FILES_LIST OUTPUT_ZIP

FILES_LIST names members of Pyodide's python_stdlib.zip (one per line, as stdlib_trace.py prints them). Each is
compiled by Pyodide's own Python (a .pyc is valid only for the Python that wrote it) into a sourceless,
unchecked-hash .pyc (PEP 552) beside where its .py was, with the file name it has when imported from the full
zip, so tracebacks and `__file__` name it as before. The zip also lists, in stdlib-rest.txt, the modules of the
full standard library it leaves out: the runner's import hook fetches the full zip when one is imported.

Standard library only: this runs in Pyodide's Python, not in the project's venv.
"""

import os
import py_compile
import sys
import tempfile
import zipfile

# Every member gets this timestamp (the earliest a zip holds): same inputs, same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
STDLIB = "/lib/python%d%d.zip" % sys.version_info[:2]
REST_LIST = "stdlib-rest.txt"


def module_name(member):
    """ "re/__init__.py" -> "re", "re/_parser.py" -> "re._parser"."""
    return member.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def write_session_zip(listed, output):
    with zipfile.ZipFile(STDLIB) as stdlib:
        members = [name for name in stdlib.namelist() if name.endswith(".py")]
        missing = sorted(set(listed) - set(members))
        if missing:
            raise SystemExit(f"not in {STDLIB}: {', '.join(missing)}")
        with (
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as session,
            tempfile.TemporaryDirectory() as tmp,
        ):
            source, compiled = os.path.join(tmp, "source.py"), os.path.join(tmp, "compiled.pyc")
            for name in sorted(listed):
                with open(source, "wb") as file:
                    file.write(stdlib.read(name))
                py_compile.compile(
                    source,
                    compiled,
                    f"{STDLIB}/{name}",
                    doraise=True,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                with open(compiled, "rb") as file:
                    session.writestr(zipfile.ZipInfo(name + "c", ZIP_DATE), file.read(), zipfile.ZIP_DEFLATED)
            rest = sorted({module_name(name) for name in members} - {module_name(name) for name in listed})
            session.writestr(
                zipfile.ZipInfo(REST_LIST, ZIP_DATE), "".join(f"{n}\n" for n in rest), zipfile.ZIP_DEFLATED
            )


if __name__ == "__main__":
    with open(sys.argv[1]) as file:
        write_session_zip(file.read().split(), sys.argv[2])  # stdlib.session_zip wrote the list, names only
