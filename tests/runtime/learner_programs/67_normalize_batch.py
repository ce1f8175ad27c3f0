import torch
import torch.nn.functional as F

torch.manual_seed(0)

x = torch.randn(6, 4) * 5 + 2
mean = x.mean(dim=0, keepdim=True)
std = x.std(dim=0, keepdim=True)
z = (x - mean) / std
print(z.mean(0), z.std(0))
print(F.normalize(x, dim=1))
print(F.normalize(x, p=1, dim=0).abs().sum(0))
lo, hi = x.min(0).values, x.max(0).values
print((x - lo) / (hi - lo))
print(torch.var_mean(x, dim=1), torch.std_mean(x, dim=0))
print(x.median(), x.median(dim=0).values, torch.quantile(x[:, 0], 0.5))
