import torch

torch.manual_seed(0)

x = torch.randn(3, 4)
y = torch.zeros(3, 4)
print(x > y, x.eq(x), x.ne(0).sum(), x >= 0.5, x <= -0.5)
print(torch.where(x > 0, x, torch.zeros_like(x)))
print(torch.where(x > 0, 1.0, -1.0))
print(torch.clamp(x, -0.5, 0.5), x.clip(min=0))
print(torch.maximum(x, y), torch.minimum(x[0], x[1]))
values, idx = x.max(dim=1)
print(values, idx)
print(torch.max(x, y).shape, x.min(), torch.any(x > 2), torch.all(x > -5))
print(torch.equal(x, x.clone()), torch.allclose(x, x + 1e-9), torch.isclose(x, x + 1e-3).all())
print(torch.logical_and(x > 0, x < 1), torch.logical_not(x > 0).int())
print(torch.isnan(torch.tensor([1.0, float("nan")])), torch.isinf(torch.tensor([float("inf"), 0.0])))
print(x.sign(), torch.count_nonzero(x > 0), (x > 0).float().mean())
