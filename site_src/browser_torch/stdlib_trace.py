"""Which files of Pyodide's standard library a page session reads: run inside Pyodide (stdlib.py does).

    node pyodide_run.mjs --pyodide DIR --lockfile FILE -- stdlib_trace.py PAGES_JSON OUTPUT

PAGES_JSON lists the built pages' cells and modules ({"pages": [{"cells": [...], "modules": {...}}]}); the
session code (session.py) and the visualizer (grad_graph/) lie beside it. Every page's cells run in one
session each, as in the browser's worker, then a graph of each cell is drawn, a cell fails and one warns (the
traceback and warning paths import modules of their own), and a few modules readers commonly reach for are
imported. Writes to OUTPUT one path per line: the members of /lib/python3XY.zip that back a module in sys.modules.

Standard library only: this runs in Pyodide's Python, not in the project's venv.
"""

import json
import os
import sys

here = os.path.dirname(os.path.abspath(sys.argv[1]))
output = os.path.abspath(sys.argv[2])  # the sessions change the working directory
sys.path[:0] = [here]
with open(sys.argv[1]) as file:
    pages = json.load(file)["pages"]

sys.stdout.reconfigure(line_buffering=True)  # as the worker does
import nn_page_session  # noqa: E402

for page in pages:
    session = nn_page_session.PageSession(page["modules"])
    for number, code in enumerate(page["cells"], start=1):
        session.run(number, code, page["modules"])
    for number in session.graphable:
        session.graph_dot(number, {})
session.run(90, "import warnings\nwarnings.warn('traced')")
# What readers reach for next beyond the pages, small enough to ship rather than fetch the whole library for.
session.run(92, "import collections.abc, csv, datetime, pprint, statistics, timeit")
session.run(91, "import torch\ntorch.ones(2) @ torch.ones(3)")

zip_path = "/lib/python%d%d.zip/" % sys.version_info[:2]
files = set()
for module in list(sys.modules.values()):
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
    if origin.startswith(zip_path):
        files.add(origin[len(zip_path) :])
with open(output, "w") as file:
    file.write("".join(f"{name}\n" for name in sorted(files)))
