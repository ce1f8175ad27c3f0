"""The nn cubic fit, updated by an optimizer from torch.optim (after examples_nn/polynomial_optim)."""

import math

import torch

torch.manual_seed(0)

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))

model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(2000):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

linear = model[0]
print(
    f"Result: y = {linear.bias.item()} + {linear.weight[:, 0].item()} x + {linear.weight[:, 1].item()} x^2 "
    f"+ {linear.weight[:, 2].item()} x^3"
)
