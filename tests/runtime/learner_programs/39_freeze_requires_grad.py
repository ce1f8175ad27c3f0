import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2))
for p in model[0].parameters():
    p.requires_grad = False
print([p.requires_grad for p in model.parameters()])
optimizer = torch.optim.SGD((p for p in model.parameters() if p.requires_grad), lr=0.1)
x = torch.randn(5, 4)
y = torch.randint(0, 2, (5,))
before = model[0].weight.clone()
for step in range(3):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    print(step, loss.item())
print(model[0].weight.grad, torch.equal(before, model[0].weight))
print(model[2].weight.grad)
model[0].requires_grad_(True)
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
