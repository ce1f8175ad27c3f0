import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Linear(2, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2)
x = torch.randn(10, 2)
y = torch.randn(10, 1)
for epoch in range(15):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    val_loss = 1.0 if epoch > 3 else 2.0 - epoch * 0.1  # a validation loss that stops improving
    scheduler.step(val_loss)
    print(epoch, optimizer.param_groups[0]["lr"], f"{loss.item():.5f}")
