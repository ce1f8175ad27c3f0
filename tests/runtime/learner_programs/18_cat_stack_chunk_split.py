import torch

torch.manual_seed(0)

a = torch.arange(6).reshape(2, 3)
b = torch.arange(6, 12).reshape(2, 3)
print(torch.cat([a, b]))
print(torch.cat((a, b), dim=1))
print(torch.stack([a, b]).shape, torch.stack([a, b], dim=2).shape)
print(torch.stack([a, b], dim=1))
x = torch.randn(7, 2)
for piece in torch.chunk(x, 3):
    print(piece.shape)
print(x.chunk(2, dim=1)[1])
for piece in torch.split(x, 3):
    print(piece)
print([t.shape for t in x.split([1, 2, 4])])
print(torch.hstack([a, b]), torch.vstack([a, b]).shape)
print(torch.unbind(a, dim=1))
