import torch

torch.manual_seed(0)

x = torch.randn(4)
print(x)
h = x.to(torch.float16)
print(h, h.dtype)
print(torch.ones(2, dtype=torch.half))
