import torch

torch.manual_seed(0)

x = torch.arange(24)
print(x.view(4, 6), x.reshape(2, 3, 4).shape, x.view(-1, 8).shape)
y = x.view(2, 3, 4)
print(y.permute(2, 0, 1).shape, y.transpose(0, 2).shape, y.transpose(1, 2).is_contiguous())
print(y.transpose(1, 2).contiguous().view(2, 12))
print(y.unsqueeze(0).shape, y.unsqueeze(-1).shape, torch.zeros(1, 3, 1).squeeze().shape)
print(torch.zeros(1, 3, 1).squeeze(0).shape, y.flatten().shape, y.flatten(1).shape, y.flatten(0, 1).shape)
print(torch.tensor([1, 2]).expand(3, 2), torch.tensor([[1], [2]]).expand(-1, 3))
print(torch.tensor([1, 2]).repeat(2, 2), torch.tensor([1, 2]).repeat_interleave(3))
print(y.t() if y.dim() == 2 else y[0].t())
print(y.size(), y.size(1), y.shape[-1], y.ndim, y.numel(), y.stride())
z = x.view(4, 6)
z[0, 0] = 100
print(x[0], z.data_ptr() == x.data_ptr())
print(torch.flip(torch.arange(4), [0]), torch.roll(torch.arange(5), 2), torch.arange(6).view(2, 3).T)
try:
    y.transpose(0, 1).view(-1)
except RuntimeError as e:
    print("RuntimeError:", e)
