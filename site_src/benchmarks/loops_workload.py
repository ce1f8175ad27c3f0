"""The training loops of training_loops.py, timed: runs unchanged on real PyTorch and on the in-browser runtime.

Usage: python loops_workload.py SCALE ROW...   Prints one JSON line {row: {"seconds": s, "steps": n}}.
SCALE (0 < SCALE <= 1) shortens every loop to that fraction of its steps (at least 2), for runtimes too slow to
run the whole loop; the driver scales the time back up and says so.
"""

import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def lenet_sgd(batch):
    net, criterion = LeNet(), nn.MSELoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    x, y = torch.randn(batch, 1, 32, 32), torch.randn(batch, 10)

    def step():
        optimizer.zero_grad()
        criterion(net(x), y).backward()
        optimizer.step()

    return step


def lenet_adam():
    net, criterion = LeNet(), nn.MSELoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    x, y = torch.randn(4, 1, 32, 32), torch.randn(4, 10)

    def step():
        optimizer.zero_grad()
        criterion(net(x), y).backward()
        optimizer.step()

    return step


def mlp_module():
    model = nn.Sequential(nn.Linear(1000, 100), nn.ReLU(), nn.Linear(100, 10))
    criterion = nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
    x, y = torch.randn(64, 1000), torch.randn(64, 10)

    def step():
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def mlp_tensors():
    x, y = torch.randn(64, 1000), torch.randn(64, 10)
    w1 = torch.randn(1000, 100, requires_grad=True)
    w2 = torch.randn(100, 10, requires_grad=True)

    def step():
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            w1.sub_(1e-6 * w1.grad)
            w2.sub_(1e-6 * w2.grad)
            w1.grad.zero_()
            w2.grad.zero_()

    return step


def polynomial():
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    a, b, c, d = (torch.randn((), requires_grad=True) for _ in range(4))

    def step():
        loss = (a + b * x + c * x**2 + d * x**3 - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p.sub_(1e-6 * p.grad)
                p.grad = None

    return step


def conv_cifar():
    conv = nn.Conv2d(3, 16, 3)
    x = torch.randn(64, 3, 32, 32)

    def step():
        out = F.max_pool2d(F.relu(conv(x)), 2)
        out.sum().backward()

    return step


def op_overhead(op, requires_grad):
    x = torch.randn(10, requires_grad=requires_grad)
    y = torch.randn(10)
    return {"add": lambda: x + y, "mul": lambda: x * 2, "sum": lambda: x.sum()}[op]


# row: (make the step function, steps in the whole loop)
ROWS = {
    "lenet_sgd_b1": (lambda: lenet_sgd(1), 20),
    "lenet_sgd_b16": (lambda: lenet_sgd(16), 5),
    "lenet_adam_b4_x100": (lenet_adam, 100),
    "mlp_module_x500": (mlp_module, 500),
    "mlp_tensors_x500": (mlp_tensors, 500),
    "polynomial_x2000": (polynomial, 2000),
    "conv_cifar_b64": (conv_cifar, 3),
    **{
        f"op_{op}{'_grad' if grad else ''}": ((lambda op=op, grad=grad: op_overhead(op, grad)), 2000)
        for op in ("add", "mul", "sum")
        for grad in (False, True)
    },
}


def timed(row, scale):
    make, steps = ROWS[row]
    torch.manual_seed(0)
    step = make()
    step()  # warm-up: first-call costs (imports, allocations) are not the loop's
    steps = max(2, round(steps * scale))
    begin = time.perf_counter()
    for _ in range(steps):
        step()
    return {"seconds": time.perf_counter() - begin, "steps": steps}


if __name__ == "__main__":
    scale = float(sys.argv[1])
    print(json.dumps({row: timed(row, scale) for row in sys.argv[2:]}))
