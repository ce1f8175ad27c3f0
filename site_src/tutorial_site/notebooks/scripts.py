"""The .py download of a page: its cells as one script, with the snippet modules it imports written beside it."""

from __future__ import annotations

import posixpath

from ..page import PageRun
from .convert import strip_markers


def page_script(title: str, script_uri: str, run: PageRun) -> str:
    """The page's cells as one script, in order, with the snippet modules it imports."""
    name = posixpath.basename(script_uri)
    parts = [
        f'"""{title}: the code of this page of the tutorial, cell after cell.\n\n'
        f'Run it with `python {name}`: it prints what the page shows under each cell.\n"""'
    ]
    if run.modules:
        parts.append(_module_writer(run.modules))
    for cell in run.cells:
        label = f"{cell.source}:{cell.section}" if cell.section else cell.source
        parts.append(f"# %% {label}\n{strip_markers(cell.code).rstrip()}")
    return "\n\n\n".join(parts) + "\n"


def _module_writer(modules: dict[str, str]) -> str:
    entries = "\n".join(
        f"    {name!r}: {_triple_quoted(strip_markers(source))}," for name, source in sorted(modules.items())
    )
    return (
        "import pathlib\n\n"
        "# The code below imports these modules from the tutorial's snippets/ folder: write each one next to\n"
        "# this script, unless a file of that name is there already, so that the script runs on its own.\n"
        f"for _name, _source in {{\n{entries}\n}}.items():\n"
        "    _path = pathlib.Path(__file__).with_name(_name)\n"
        "    if not _path.exists():\n"
        "        _path.write_text(_source)"
    )


def _triple_quoted(text: str) -> str:
    """`text` as a readable Python literal: the module's lines as they are, inside triple quotes."""
    quote = '"""' if '"""' not in text else "'''"
    if quote in text or text.endswith(quote[0]):
        return repr(text)
    return quote + "\\\n" + text.replace("\\", "\\\\") + quote
