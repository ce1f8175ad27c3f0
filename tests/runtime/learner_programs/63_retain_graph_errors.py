import torch

torch.manual_seed(0)

x = torch.randn(3, requires_grad=True)
y = (x.exp() * 2).sum()
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
try:
    y.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
z = torch.randn(2)
try:
    z.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
v = x * 2
try:
    v.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
print(v.is_leaf, v.grad_fn.name())
