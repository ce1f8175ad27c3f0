import torch
import torch.nn as nn

torch.manual_seed(0)


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 2))
        self.decoder = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 8), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


model = AutoEncoder()
print(model)
data = torch.rand(12, 8)
optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
for epoch in range(100):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(data), data)
    loss.backward()
    optimizer.step()
    if epoch % 20 == 19:
        print(epoch, loss.item())
with torch.no_grad():
    print(model.encoder(data[:2]))
