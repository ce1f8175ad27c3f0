"""Training loops a learner writes after the tutorial, timed on real PyTorch and on the in-browser runtime.

One table, every column measured in the same run (loops_workload.py is the workload):
- real PyTorch with torch.set_num_threads(1) semantics (OMP_NUM_THREADS=1: the fair column, one core like
  the runtime) and with its default threads,
- the runtime inside Pyodide under Node.js with the site's kernels (what the browser runs),
- the runtime in CPython (pure-Python reference kernels), on a shortened loop scaled back up (marked ~).
Each cell is seconds for the whole loop (per-op rows: microseconds per op), then the ratio to single-threaded
PyTorch.

Run: .venv/bin/python site_src/benchmarks/training_loops.py [--cpython-scale 0.02] [--pyodide-scale 1] [ROW ...]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from browser_torch.runners import cpython_env, run_many_in_pyodide

WORKLOAD = Path(__file__).with_name("loops_workload.py")
ROWS = [
    "lenet_sgd_b1",
    "lenet_sgd_b16",
    "lenet_adam_b4_x100",
    "mlp_module_x500",
    "mlp_tensors_x500",
    "polynomial_x2000",
    "conv_cifar_b64",
    "op_add",
    "op_add_grad",
    "op_mul",
    "op_mul_grad",
    "op_sum",
    "op_sum_grad",
]
FULL_STEPS = {
    "lenet_sgd_b1": 20,
    "lenet_sgd_b16": 5,
    "lenet_adam_b4_x100": 100,
    "mlp_module_x500": 500,
    "mlp_tensors_x500": 500,
    "polynomial_x2000": 2000,
    "conv_cifar_b64": 3,
}


def in_cpython(rows, scale, env):
    done = subprocess.run([sys.executable, str(WORKLOAD), str(scale), *rows], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr)
    return json.loads(done.stdout)


def in_pyodide(rows, scale):
    [result] = run_many_in_pyodide([WORKLOAD], argv=[str(scale), *rows], cwd=WORKLOAD.parent)
    if result.status != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout)


def figure(row, timing):
    """(value, unit) for a row: the whole loop in seconds, or microseconds per op for the per-op rows."""
    per_step = timing["seconds"] / timing["steps"]
    if row.startswith("op_"):
        return per_step * 1e6, "us/op"
    if row in ("lenet_sgd_b1", "lenet_sgd_b16", "conv_cifar_b64"):
        return per_step * 1e3, "ms/step"
    return per_step * FULL_STEPS[row], "s/loop"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpython-scale", type=float, default=0.02, help="fraction of each loop run in CPython")
    parser.add_argument("--pyodide-scale", type=float, default=1.0, help="fraction of each loop run in Pyodide")
    parser.add_argument("rows", nargs="*", default=ROWS)
    args = parser.parse_args()
    columns = {
        "PyTorch, 1 thread": in_cpython(args.rows, 1, {**os.environ, "OMP_NUM_THREADS": "1"}),
        "PyTorch, default threads": in_cpython(args.rows, 1, dict(os.environ)),
        "runtime, Pyodide": in_pyodide(args.rows, args.pyodide_scale),
        "runtime, CPython": in_cpython(args.rows, args.cpython_scale, cpython_env()),
    }
    scaled = {"runtime, Pyodide": args.pyodide_scale < 1, "runtime, CPython": args.cpython_scale < 1}
    print(f"{'row':22}{'unit':>9}" + "".join(f"{name:>28}" for name in columns))
    for row in args.rows:
        base, unit = figure(row, columns["PyTorch, 1 thread"][row])
        cells = []
        for name, timings in columns.items():
            value, _ = figure(row, timings[row])
            mark = "~" if scaled.get(name) and not row.startswith("op_") else " "
            cells.append(f"{mark}{value:10.4g} ({value / base:7.1f}x)")
        print(f"{row:22}{unit:>9}" + "".join(f"{cell:>28}" for cell in cells))
    print("~: measured on a shortened loop and scaled to the whole loop")


if __name__ == "__main__":
    main()
