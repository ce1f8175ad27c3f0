import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Linear(3, 1)
x = torch.randn(8, 3)
y = torch.randn(8, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
accumulation = 4
optimizer.zero_grad()
for i, (xb, yb) in enumerate(zip(x.split(2), y.split(2))):
    loss = nn.functional.mse_loss(model(xb), yb) / accumulation
    loss.backward()
    print(i, loss.item(), model.bias.grad)
    if (i + 1) % accumulation == 0:
        optimizer.step()
        optimizer.zero_grad()
print(model.weight, model.bias.grad)
full = nn.Linear(3, 1)
full.load_state_dict({"weight": torch.ones(1, 3), "bias": torch.zeros(1)})
nn.functional.mse_loss(full(x), y).backward()
print(full.weight.grad)
