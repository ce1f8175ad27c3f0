"""y = a + b * P3(c + d x), with the Legendre polynomial P3 as a custom autograd Function
(after examples_autograd/polynomial_custom_function)."""

import math

import torch

torch.manual_seed(0)


class LegendreP3(torch.autograd.Function):
    """P3(z) = (5 z^3 - 3 z) / 2, and its derivative P3'(z) = 3 (5 z^2 - 1) / 2."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return 0.5 * (5 * z**3 - 3 * z)

    @staticmethod
    def backward(ctx, grad_output):
        (z,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * z**2 - 1)


x = torch.linspace(-math.pi, math.pi, 2000, device=torch.device("cpu"), dtype=torch.float)
y = torch.sin(x)
# started near the answer, as the original does, so that the fit converges
a = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
b = torch.full((), -1.0, dtype=torch.float, requires_grad=True)
c = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
d = torch.full((), 0.3, dtype=torch.float, requires_grad=True)

learning_rate = 5e-6
for t in range(2000):
    P3 = LegendreP3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = b.grad = c.grad = d.grad = None

print(f"Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)")
