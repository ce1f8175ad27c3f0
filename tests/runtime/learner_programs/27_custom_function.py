import torch

torch.manual_seed(0)


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x**2


class ClampGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, limit):
        ctx.limit = limit
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad.clamp(-ctx.limit, ctx.limit), None


x = torch.randn(4, requires_grad=True)
y = Cube.apply(x)
print(y)
y.sum().backward()
print(x.grad, torch.allclose(x.grad, 3 * x.detach() ** 2))
x.grad = None
(ClampGrad.apply(x, 0.5) * 10).sum().backward()
print(x.grad)
print(type(y.grad_fn).__name__)
