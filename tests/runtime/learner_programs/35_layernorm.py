import torch
import torch.nn as nn

torch.manual_seed(0)

ln = nn.LayerNorm(5)
print(ln)
x = torch.randn(3, 5) * 3 + 1
y = ln(x)
print(y)
print(y.mean(dim=1), y.std(dim=1, unbiased=False))
manual = (x - x.mean(1, keepdim=True)) / torch.sqrt(x.var(1, unbiased=False, keepdim=True) + 1e-5)
print((y - manual).abs().max() < 1e-5)
y.pow(2).sum().backward()
print(ln.weight.grad, ln.bias.grad)
ln2 = nn.LayerNorm([2, 3], elementwise_affine=False)
print(ln2(torch.arange(12.0).reshape(2, 2, 3)))
print(nn.functional.layer_norm(x, (5,)))
