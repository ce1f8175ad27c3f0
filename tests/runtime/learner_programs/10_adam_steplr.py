import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Linear(4, 2)
x = torch.randn(12, 4)
y = torch.randn(12, 2)
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
for epoch in range(10):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    scheduler.step()
    print(epoch, scheduler.get_last_lr(), f"{loss.item():.6f}")
print(model.weight)
print(model.bias)
