import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.randn(30, 2)
y = (x[:, 0] + x[:, 1] > 0).float().unsqueeze(1)


class LogisticRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


model = LogisticRegression()
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(60):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    if epoch % 15 == 0:
        print(epoch, f"{loss.item():.6f}")
accuracy = ((model(x) > 0.5).float() == y).float().mean()
print("accuracy", accuracy.item())
print(model.linear.weight, model.linear.bias)
