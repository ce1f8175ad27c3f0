import torch
import torch.nn as nn

torch.manual_seed(0)

layers = []
for width_in, width_out in [(8, 16), (16, 16), (16, 16)]:
    linear = nn.Linear(width_in, width_out)
    nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
    nn.init.zeros_(linear.bias)
    layers += [linear, nn.ReLU()]
model = nn.Sequential(*layers, nn.Linear(16, 1))
x = torch.randn(10, 8)
y = torch.randn(10, 1)
with torch.no_grad():
    h = x
    for layer in model:
        h = layer(h)
        if isinstance(layer, nn.ReLU):
            print(type(layer).__name__, round(h.std().item(), 5))
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
for step in range(100):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    if step % 25 == 24:
        print(step, loss.item())
