import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.linspace(-3, 3, 7, requires_grad=True)
activations = [nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.LeakyReLU(0.1), nn.GELU(), nn.ELU(), nn.Softplus(), nn.SiLU()]
for act in activations:
    y = act(x)
    (grad,) = torch.autograd.grad(y.sum(), x)
    print(act)
    print(y)
    print(grad)
print(nn.GELU(approximate="tanh")(x))
