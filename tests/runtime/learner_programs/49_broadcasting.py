import torch

torch.manual_seed(0)

a = torch.randn(3, 1)
b = torch.randn(1, 4)
print(a + b)
print((a * b).shape, (torch.randn(2, 1, 3) - torch.randn(4, 1)).shape)
x = torch.randn(5, 3)
mean = x.mean(dim=0)
print(x - mean)
print(x / x.norm(dim=1, keepdim=True))
print(torch.broadcast_tensors(torch.tensor([1, 2]), torch.tensor([[0], [10]])))
w = torch.ones(3, requires_grad=True)
(x * w).sum().backward()
print(w.grad)
try:
    torch.randn(2, 3) + torch.randn(3, 2)
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.tensor(2.0) * torch.arange(3), 1 - torch.arange(3), 2 / torch.tensor([1.0, 4.0]))
