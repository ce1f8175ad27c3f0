import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.randn(12, 4)
y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2])
model = nn.Linear(4, 3)
weighted = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5]))
smoothed = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
for step in range(30):
    optimizer.zero_grad()
    logits = model(x)
    loss = weighted(logits, y) + smoothed(logits, y)
    loss.backward()
    optimizer.step()
    if step % 10 == 0:
        print(step, loss.item())
logits = model(x)
print(torch.softmax(logits, dim=1)[:3])
print(logits.argmax(1))
print(nn.CrossEntropyLoss(reduction="none")(logits, y))
print(nn.CrossEntropyLoss(reduction="sum")(logits, y))
