import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.randn(10, 3)
y = torch.randn(10, 1)
for kwargs in [
    {},
    {"momentum": 0.9},
    {"momentum": 0.9, "nesterov": True},
    {"weight_decay": 0.1},
    {"momentum": 0.5, "dampening": 0.1},
    {"maximize": True},
]:
    torch.manual_seed(1)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, **kwargs)
    for _ in range(10):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
    print(kwargs, loss.item())
    print(model.weight.data)
