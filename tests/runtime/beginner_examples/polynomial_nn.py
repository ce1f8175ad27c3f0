"""The cubic fit as a one-layer nn model on the features (x, x^2, x^3) (after examples_nn/polynomial_nn)."""

import math

import torch

torch.manual_seed(0)

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
powers = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(powers)  # (2000, 1) ** (3,) broadcasts to (2000, 3)
print(xx.shape, xx.dtype)

model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction="sum")

learning_rate = 1e-6
for t in range(2000):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

linear = model[0]
print(
    f"Result: y = {linear.bias.item()} + {linear.weight[:, 0].item()} x + {linear.weight[:, 1].item()} x^2 "
    f"+ {linear.weight[:, 2].item()} x^3"
)
