import torch
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

x = torch.arange(20.0).reshape(10, 2)
y = torch.arange(10)
dataset = TensorDataset(x, y)
print(len(dataset), dataset[3])
loader = DataLoader(dataset, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(0))
for epoch in range(2):
    for xb, yb in loader:
        print(epoch, yb.tolist(), xb.shape)
ordered = DataLoader(dataset, batch_size=3, drop_last=True)
print(len(ordered), [yb.tolist() for _, yb in ordered])
model = torch.nn.Linear(2, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
for xb, yb in DataLoader(dataset, batch_size=5):
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(model(xb).squeeze(1), yb.float())
    loss.backward()
    optimizer.step()
    print(loss.item())
