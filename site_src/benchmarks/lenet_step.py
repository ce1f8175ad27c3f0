"""One LeNet training step (forward, MSE loss, backward, SGD update), timed: the workload of runtime_step.py.

Runs unchanged on real PyTorch and on the in-browser runtime (CPython or Pyodide). Prints one JSON line:
{"batch size": [milliseconds per step, ...]} for the batch sizes given as arguments.
"""

import json
import runpy
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn

# Each batch size is timed for at least MIN_STEPS steps, and more while within TIME_BUDGET seconds.
WARMUP_STEPS, MIN_STEPS, MAX_STEPS, TIME_BUDGET = 2, 5, 30, 5.0


# The tutorial's LeNet, from its one definition.
Net = runpy.run_path(str(Path(__file__).resolve().parents[2] / "snippets" / "lenet.py"))["Net"]


def step_times(batch_size):
    torch.manual_seed(0)
    net = Net()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    input, target = torch.randn(batch_size, 1, 32, 32), torch.randn(batch_size, 10)

    def step():
        optimizer.zero_grad()
        loss = criterion(net(input), target)
        loss.backward()
        optimizer.step()

    for _ in range(WARMUP_STEPS):
        step()
    times, started = [], time.perf_counter()
    while len(times) < MIN_STEPS or (len(times) < MAX_STEPS and time.perf_counter() - started < TIME_BUDGET):
        begin = time.perf_counter()
        step()
        times.append((time.perf_counter() - begin) * 1000)
    return times


print(json.dumps({size: step_times(int(size)) for size in sys.argv[1:]}))
