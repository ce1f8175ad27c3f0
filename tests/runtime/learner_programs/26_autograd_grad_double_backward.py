import torch

torch.manual_seed(0)

x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
y = x**3
(dy,) = torch.autograd.grad(y.sum(), x, create_graph=True)
print(dy)
(d2y,) = torch.autograd.grad(dy.sum(), x)
print(d2y)
z = torch.tensor(1.5, requires_grad=True)
f = torch.sin(z) * z**2
(g,) = torch.autograd.grad(f, z, create_graph=True)
g.backward()
print(g, z.grad)
w = torch.randn(3, requires_grad=True)
out = (w * x).sum()
gw, gx = torch.autograd.grad(out, [w, x])
print(gw, gx)
print(dy.grad_fn is not None, d2y.requires_grad)
