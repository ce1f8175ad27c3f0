import torch
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)

x = torch.randn(12, 3)
y = (x.sum(1) > 0).long()
dataset = TensorDataset(x, y)
train, val = random_split(dataset, [9, 3], generator=torch.Generator().manual_seed(42))
print(len(train), len(val))
print(train.indices, val.indices)
parts = random_split(range(10), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(1))
print([list(p) for p in parts])
model = torch.nn.Linear(3, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(3):
    for xb, yb in DataLoader(train, batch_size=3):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(xb), yb).backward()
        optimizer.step()
    with torch.no_grad():
        vx, vy = next(iter(DataLoader(val, batch_size=3)))
        print(epoch, torch.nn.functional.cross_entropy(model(vx), vy).item())
