import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.randn(40, 2)
y = ((x[:, 0] ** 2 + x[:, 1] ** 2) < 1).long()
train_x, val_x, train_y, val_y = x[:30], x[30:], y[:30], y[30:]
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
criterion = nn.CrossEntropyLoss()
for epoch in range(80):
    model.train()
    optimizer.zero_grad()
    loss = criterion(model(train_x), train_y)
    loss.backward()
    optimizer.step()
    if epoch % 20 == 19:
        model.eval()
        with torch.no_grad():
            val_logits = model(val_x)
            val_loss = criterion(val_logits, val_y)
            accuracy = (val_logits.argmax(1) == val_y).float().mean()
        print(f"epoch {epoch + 1} train {loss.item():.4f} val {val_loss.item():.4f} acc {accuracy.item():.2f}")
print(y.sum().item(), len(y))
