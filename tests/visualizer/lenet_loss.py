"""The tutorial's loss, as one script: LeNet (snippets/lenet.py) on one 32x32 input, MSE against a random target.

Used by the visualizer tests in-process (runpy), inside Pyodide and through the grad-graph command line.
"""

import runpy
from pathlib import Path

import torch
import torch.nn as nn

Net = runpy.run_path(str(Path(__file__).resolve().parents[2] / "snippets" / "lenet.py"))["Net"]

torch.manual_seed(0)
net = Net()
input = torch.randn(1, 1, 32, 32)
output = net(input)
target = torch.randn(10).view(1, -1)
criterion = nn.MSELoss()
loss = criterion(output, target)
