import torch

torch.manual_seed(0)

x = torch.randn(5, 4)
print(x[1], x[:, 2], x[1:3, ::2], x[-1, -1])
print(x[[0, 2, 4]])
print(x[[0, 1], [3, 2]])
print(x[torch.tensor([4, 0])])
mask = x > 0
print(mask)
print(x[mask])
print(mask.sum(), mask.any(), mask.all())
x[x < 0] = 0.0
print(x)
x[:, 0] = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
print(x)
print(torch.masked_fill(x, x == 0, -1.0))
print(x[None, 0].shape, x[..., 1].shape, x[:, None, :].shape)
print(torch.nonzero(x > 1))
