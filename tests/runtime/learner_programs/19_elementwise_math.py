import math

import torch

torch.manual_seed(0)

x = torch.linspace(0.1, 2 * math.pi, 9)
print(x)
print(torch.sin(x))
print(torch.cos(x))
print(torch.exp(x))
print(torch.log(x))
print(x.sqrt(), x.rsqrt())
print(torch.sigmoid(x - 3), torch.tanh(x - 3))
print(x.pow(2), x**0.5, 2**x)
print(torch.abs(x - 3), torch.sign(x - 3))
print(x.floor(), x.ceil(), x.round(), x.trunc())
print(torch.log1p(x), torch.expm1(x[:3]), torch.log2(x), torch.log10(x))
print(torch.sin(x) ** 2 + torch.cos(x) ** 2)
