import torch
import torch.nn as nn

torch.manual_seed(0)


class Scale(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(n))
        self.shift = nn.Parameter(torch.zeros(n))
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        self.calls += 1
        return x * self.scale + self.shift

    def extra_repr(self):
        return f"n={self.scale.numel()}"


m = Scale(3)
print(m)
print(list(m.named_parameters()))
# dict(): an OrderedDict prints differently in Python 3.11 (real torch here) and 3.14 (Pyodide)
print(list(m.named_buffers()), dict(m.state_dict()))
x = torch.randn(4, 3)
optimizer = torch.optim.SGD(m.parameters(), lr=0.1)
for _ in range(3):
    optimizer.zero_grad()
    ((m(x) - 1) ** 2).mean().backward()
    optimizer.step()
print(m.scale, m.shift, m.calls)
print(isinstance(m.scale, torch.Tensor), type(m.scale).__name__, m.scale.requires_grad)
print(nn.Parameter(torch.tensor([1.0, 2.0])))
