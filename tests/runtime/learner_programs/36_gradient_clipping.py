import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
x = torch.randn(6, 4) * 10
y = torch.randn(6, 1) * 10
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for step in range(5):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    print(step, loss.item(), total.item())
    optimizer.step()
norms = [p.grad.norm() for p in model.parameters()]
print(torch.stack(norms).norm())
nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
print(model[0].bias.grad)
