import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
x = torch.randn(16, 5)
y = torch.randint(0, 2, (16,))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = nn.CrossEntropyLoss()
for step in range(20):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    if step % 5 == 4:
        print(step, loss.item())
bn = model[1]
print(bn.running_mean)
print(bn.running_var)
print(bn.num_batches_tracked)
model.eval()
with torch.no_grad():
    print(model(x[:3]))
print(list(bn.state_dict().keys()))
