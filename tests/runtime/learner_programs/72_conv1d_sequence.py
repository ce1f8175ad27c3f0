import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Sequential(
    nn.Conv1d(2, 4, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool1d(2),
    nn.Flatten(),
    nn.Linear(4 * 5, 2),
)
print(model)
x = torch.randn(3, 2, 10)
y = torch.tensor([0, 1, 1])
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(10):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    if step % 3 == 0:
        print(step, loss.item())
print(model[0](x).shape, model[0].weight.grad.shape)
