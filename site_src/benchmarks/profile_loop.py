"""Profile one row of loops_workload.py: where its time goes, by function (cProfile, sorted by own time).

Run it where the runtime runs, in Pyodide for the site's kernels:
    .venv/bin/python -m browser_torch.cli run --pyodide site_src/benchmarks/profile_loop.py ROW [STEPS] [TOP]
or in CPython (pure-Python kernels): .venv/bin/python -m browser_torch.cli run site_src/benchmarks/profile_loop.py ROW
"""

import cProfile
import pstats
import sys

import torch
from loops_workload import ROWS

row, steps, top = (sys.argv[1:] + ["20", "25"][len(sys.argv) - 2 :])[:3]
steps, top = int(steps), int(top)
torch.manual_seed(0)
step = ROWS[row][0]()
step()
profile = cProfile.Profile()
profile.enable()
for _ in range(steps):
    step()
profile.disable()
pstats.Stats(profile).sort_stats("tottime").print_stats(top)
