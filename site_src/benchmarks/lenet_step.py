"""One LeNet training step (forward, MSE loss, backward, SGD update), timed: the workload of runtime_step.py.

Runs unchanged on real PyTorch and on the in-browser runtime (CPython or Pyodide). Prints one JSON line:
{"batch size": [milliseconds per step, ...]} for the batch sizes given as arguments.
"""

import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Each batch size is timed for at least MIN_STEPS steps, and more while within TIME_BUDGET seconds.
WARMUP_STEPS, MIN_STEPS, MAX_STEPS, TIME_BUDGET = 2, 5, 30, 5.0


class Net(nn.Module):
    """The tutorial's LeNet (snippets/lenet.py)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


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
