import torch

torch.manual_seed(0)

inp = torch.eye(3, 4, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(inp.grad)
out.backward(torch.ones_like(out), retain_graph=True)
print(inp.grad)
inp.grad.zero_()
out.backward(torch.ones_like(out))
print(inp.grad)
x = torch.randn(3, requires_grad=True)
y = x * 2
while y.data.norm() < 100:
    y = y * 2
print(y)
y.backward(torch.tensor([0.1, 1.0, 0.0001]))
print(x.grad)
