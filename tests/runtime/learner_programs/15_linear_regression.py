import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.linspace(-1, 1, 20).unsqueeze(1)
y = 2 * x + 1 + 0.05 * torch.randn(20, 1)
model = nn.Linear(1, 1)
print("initial", model.weight.item(), model.bias.item())
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()
for epoch in range(100):
    pred = model(x)
    loss = loss_fn(pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 19:
        print(f"epoch {epoch + 1}: loss={loss.item():.6f}")
print("w =", model.weight.item(), "b =", model.bias.item())
print(model(torch.tensor([[3.0]])))
