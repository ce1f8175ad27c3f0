"""How much of the learner corpus the in-browser runtime runs exactly as real PyTorch does.

Usage:
    .venv/bin/python site_src/benchmarks/corpus_report.py [--no-pyodide] [PATTERN ...]

Runs every program of tests/runtime/learner_programs/ and tests/runtime/beginner_examples/ (or those whose path
contains one of the PATTERNs) with real PyTorch, with the runtime in CPython (two programs at a time) and, unless
--no-pyodide, inside Pyodide (one Node.js process for all). Prints one row per program: its result in CPython and
in Pyodide (identical / refused / other, as tests/runtime/test_learner_programs.py judges them), the seconds real
PyTorch and the runtime in CPython took; then the counts per folder per runtime; then, for every program not
identical, the runtime's error or the first line it printed differently.
"""

import argparse
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))  # support, which the corpus test imports
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "runtime"))

# The judge's own definitions, importable once tests/runtime is on sys.path.
import test_learner_programs as corpus

VERDICTS = ("identical", "refused", "other")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pyodide", action="store_true", help="skip the runs inside Pyodide")
    parser.add_argument("patterns", nargs="*", help="only programs whose path contains one of these")
    options = parser.parse_args()
    programs = [p for p in corpus.PROGRAMS if not options.patterns or any(s in p for s in options.patterns)]

    with ThreadPoolExecutor(2) as pool:  # two runs at a time, real torch's and the runtime's alike
        real = [pool.submit(corpus.real_torch, program) for program in programs]
        ours = [pool.submit(corpus.runtime_in_cpython, program) for program in programs]
        runs = {program: (r.result(), o.result()) for program, r, o in zip(programs, real, ours)}
    in_pyodide = {} if options.no_pyodide else corpus.runtime_in_pyodide(programs)

    width = max(map(len, programs), default=10)
    print(f"{'program':{width}}  {'cpython':9}  {'pyodide':9}  {'torch s':>7}  {'cpython s':>9}")
    counts = Counter()
    notes = {}  # {(program, line): [runtimes]}
    for program in programs:
        real, cpython = runs[program]
        folder = program.split("/")[0]
        row = {"cpython": corpus.verdict(real, cpython)}
        if program in in_pyodide:
            row["pyodide"] = corpus.verdict(real, in_pyodide[program])
        for runtime, result in row.items():
            counts[folder, runtime, result] += 1
            if result != "identical":
                run = cpython if runtime == "cpython" else in_pyodide[program]
                expected = " (expected)" if program in corpus.EXPECTED_REFUSALS and result == "refused" else ""
                notes.setdefault((program + expected, corpus.first_difference(real, run)), []).append(runtime)
        print(
            f"{program:{width}}  {row['cpython']:9}  {row.get('pyodide', '-'):9}  "
            f"{real.seconds:7.2f}  {cpython.seconds:9.2f}"
        )

    print()
    print(f"{'folder':20} {'runtime':8} " + " ".join(f"{v:>9}" for v in VERDICTS))
    for folder in sorted({p.split("/")[0] for p in programs}):
        for runtime in ("cpython",) + (() if options.no_pyodide else ("pyodide",)):
            print(f"{folder:20} {runtime:8} " + " ".join(f"{counts[folder, runtime, v]:9}" for v in VERDICTS))
    if notes:
        print()
        for (program, line), runtimes in notes.items():
            print(f"{program} [{', '.join(runtimes)}]: {line}")


if __name__ == "__main__":
    main()
