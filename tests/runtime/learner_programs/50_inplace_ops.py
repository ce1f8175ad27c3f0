import torch

torch.manual_seed(0)

x = torch.zeros(2, 3)
x.add_(1).mul_(3)
print(x)
x.sub_(torch.tensor([1.0, 2.0, 3.0]))
print(x)
x.clamp_(min=0.5, max=1.5)
print(x)
x.zero_()
x.fill_(2.5)
print(x)
x[0].copy_(torch.tensor([7.0, 8.0, 9.0]))
print(x, x.div_(2))
w = torch.ones(3, requires_grad=True)
try:
    w.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
a = torch.ones(3, requires_grad=True)
b = a.exp()
b.add_(1)
try:
    b.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.tensor([1.0, -2.0]).abs_(), torch.tensor([4.0, 9.0]).sqrt_(), torch.tensor([0.0]).exp_())
