"""The NumPy bridge of blitz/tensor_tutorial: refused by the in-browser runtime, which has no NumPy."""

import torch

torch.manual_seed(0)

a = torch.ones(5)
print(a)
b = a.numpy()
print(b)
a.add_(1)
print(a)
print(b)
