import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Linear(2, 1)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9))
print(optimizer)
x, y = torch.randn(4, 2), torch.randn(4, 1)
for _ in range(2):
    optimizer.zero_grad()
    nn.functional.mse_loss(model(x), y).backward()
    optimizer.step()
state = optimizer.state_dict()
print(state["param_groups"])
print(sorted(state["state"][0].keys()), state["state"][0]["step"])
print(state["state"][0]["exp_avg"], state["state"][1]["exp_avg_sq"])
for group in optimizer.param_groups:
    group["lr"] = 0.5
print(optimizer.param_groups[0]["lr"], len(optimizer.param_groups), len(optimizer.param_groups[0]["params"]))
sgd = torch.optim.SGD([{"params": model.weight}, {"params": model.bias, "lr": 1.0}], lr=0.1)
print(sgd)
