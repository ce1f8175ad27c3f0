"""Time the in-browser runtime's random samplers (site_src/runtime/torch/_random.py) in this Python.

    .venv/bin/python site_src/benchmarks/bench_random.py

Prints the best of 5 runs for LeNet's default init (61,706 float32 uniforms in reset_parameters order) and the
other samplers the tutorial uses.
"""

import importlib.util
import math
import sys
import timeit
from pathlib import Path

RANDOM_PY = Path(__file__).resolve().parents[1] / "runtime" / "torch" / "_random.py"
spec = importlib.util.spec_from_file_location("btorch_random", RANDOM_PY)
R = importlib.util.module_from_spec(spec)
spec.loader.exec_module(R)

# (weight numel, out features, fan_in) for conv1, conv2, fc1, fc2, fc3
LENET = [(150, 6, 25), (2400, 16, 150), (48000, 120, 400), (10080, 84, 120), (840, 10, 84)]


def lenet_init(gen):
    for weight_numel, out_features, fan_in in LENET:
        bound = R.kaiming_uniform_bound(fan_in)
        R.uniform(gen, weight_numel, -bound, bound)
        R.uniform(gen, out_features, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))


gen = R.Generator(0)
cases = {
    "LeNet default init (61,706 uniforms)": lambda: lenet_init(gen),
    "randn(1, 1, 32, 32) (block Box-Muller, 1024)": lambda: R.normal(gen, 1024),
    "randn(10) (scalar Box-Muller)": lambda: R.normal(gen, 10),
    "dropout mask, 10,000 elements": lambda: R.bernoulli(gen, 10000, 0.5),
    "randperm(10000)": lambda: R.randperm(gen, 10000),
    "manual_seed": lambda: gen.manual_seed(1),
}
print(f"Python {sys.version.split()[0]}")
for label, run in cases.items():
    best = min(timeit.repeat(run, number=1, repeat=5))
    print(f"{label:48s} {best * 1000:8.2f} ms")
