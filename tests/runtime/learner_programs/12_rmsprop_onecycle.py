import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Linear(5, 1)
x = torch.randn(20, 5)
y = x @ torch.tensor([[1.0], [-2.0], [0.5], [0.0], [3.0]]) + 0.1
optimizer = torch.optim.RMSprop(model.parameters(), lr=0.01)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=30)
for step in range(30):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    scheduler.step()
    if step % 5 == 0:
        print(step, round(scheduler.get_last_lr()[0], 8), round(loss.item(), 6))
print(model.weight.data)
