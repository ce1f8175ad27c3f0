import torch
import torch.nn as nn

torch.manual_seed(0)

N, D_in, H, D_out = 8, 10, 16, 3
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)
model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out))
loss_fn = nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)
for t in range(150):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if t % 25 == 24:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(model[2].bias)
