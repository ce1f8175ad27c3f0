import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.randn(3, requires_grad=True)
seen = []
handle = x.register_hook(lambda grad: seen.append(grad.clone()))
y = (x * 2).sum()
y.backward()
print(seen[0], x.grad)
handle.remove()
x.grad = None
x.register_hook(lambda grad: grad * 10)
(x * 2).sum().backward()
print(x.grad)
h = torch.ones(2, requires_grad=True)
mid = h * 3
mid.register_hook(lambda grad: print("grad at mid", grad))
mid.retain_grad()
(mid**2).sum().backward()
print(mid.grad, h.grad)
layer = nn.Linear(3, 2)
outputs = []
layer.register_forward_hook(lambda module, inp, out: outputs.append(out.shape))
layer(torch.randn(5, 3))
print(outputs)
