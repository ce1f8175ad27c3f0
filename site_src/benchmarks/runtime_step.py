"""How fast is a LeNet training step on the in-browser runtime? Prints a table, in one run:

- real PyTorch (CPU) in this venv's CPython, on one thread like the runtime (OMP_NUM_THREADS=1; on a busy
  2-core machine its default two threads made it 30 times slower, by waiting on each other),
- the runtime in CPython (pure-Python reference kernels),
- the runtime inside Pyodide under Node.js, with the JavaScript kernels (what the browser runs),
- the runtime inside Pyodide with the pure-Python reference kernels (BROWSER_TORCH_KERNELS=reference).

Each figure is the median over several steps (lenet_step.py), in milliseconds, with its ratio to real PyTorch.
Run: .venv/bin/python site_src/benchmarks/runtime_step.py [BATCH_SIZE ...]   (default: 1 16)
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from browser_torch.runners import cpython_env, run_many_in_pyodide

WORKLOAD = Path(__file__).with_name("lenet_step.py")
ROOT = WORKLOAD.parents[2]  # mounted in Pyodide: the workload reads snippets/lenet.py


def in_cpython(batch_sizes, env=None):
    done = subprocess.run(
        [sys.executable, str(WORKLOAD), *batch_sizes], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def in_pyodide(batch_sizes, kernels):
    [result] = run_many_in_pyodide([WORKLOAD], argv=batch_sizes, cwd=ROOT, env={"BROWSER_TORCH_KERNELS": kernels})
    if result.status != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout)


def main(batch_sizes):
    runs = {
        "real PyTorch (CPython)": in_cpython(batch_sizes, env={**os.environ, "OMP_NUM_THREADS": "1"}),
        "runtime, CPython": in_cpython(batch_sizes, env=cpython_env()),
        "runtime, Pyodide, JS kernels": in_pyodide(batch_sizes, "js"),
        "runtime, Pyodide, Python kernels": in_pyodide(batch_sizes, "reference"),
    }
    baseline = runs["real PyTorch (CPython)"]
    print("LeNet training step (forward + MSE loss + backward + SGD step): median ms (x real PyTorch) [steps]")
    print(f"{'':34}" + "".join(f"{'batch ' + size:>26}" for size in batch_sizes))
    for name, times in runs.items():
        cells = []
        for size in batch_sizes:
            median = statistics.median(times[size])
            ratio = median / statistics.median(baseline[size])
            cells.append(f"{median:10.2f} ({ratio:7.1f}x) [{len(times[size]):2}]")
        print(f"{name:34}" + "".join(f"{cell:>26}" for cell in cells))


if __name__ == "__main__":
    main(sys.argv[1:] or ["1", "16"])
