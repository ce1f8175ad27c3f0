import torch

torch.manual_seed(0)

w = torch.randn(3, requires_grad=True)
x = torch.randn(3)
y = (w * x).sum()
print(y.requires_grad, y.grad_fn)
with torch.no_grad():
    z = (w * x).sum()
print(z.requires_grad, z.grad_fn)
d = y.detach()
print(d.requires_grad, d.is_leaf)
print(torch.is_grad_enabled())
with torch.no_grad():
    print(torch.is_grad_enabled())
    w -= 0.1 * x
print(w, w.requires_grad, w.is_leaf)


@torch.no_grad()
def predict(v):
    return (w * v).sum()


print(predict(x).requires_grad)
with torch.enable_grad():
    print((w * 2).requires_grad)
print(w.data, w.detach().clone().requires_grad_(True).requires_grad)
