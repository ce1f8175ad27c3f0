from collections import OrderedDict
from itertools import pairwise

import torch
import torch.nn as nn

torch.manual_seed(0)

seq = nn.Sequential(OrderedDict([("fc1", nn.Linear(4, 8)), ("act", nn.ReLU()), ("fc2", nn.Linear(8, 2))]))
print(seq)
print(seq.fc1, seq[2], len(seq))


class Stack(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in pairwise(widths))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x


net = Stack([4, 6, 6, 2])
print(net)
x = torch.randn(3, 4)
print(net(x), seq(x))
seq.append(nn.Softmax(dim=1))
print(seq(x).sum(1))
print(nn.Sequential(*list(seq.children())[:2])(x).shape)
print(nn.ModuleDict({"a": nn.Linear(1, 1), "b": nn.Tanh()}))
