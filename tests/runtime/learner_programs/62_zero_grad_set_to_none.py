import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Linear(3, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
print(model.weight.grad)
model(torch.randn(4, 3)).sum().backward()
print(model.weight.grad)
model(torch.randn(4, 3)).sum().backward()
print(model.bias.grad)
optimizer.zero_grad()
print(model.weight.grad, model.bias.grad)
model(torch.randn(4, 3)).sum().backward()
optimizer.zero_grad(set_to_none=False)
print(model.weight.grad)
model(torch.randn(1, 3)).sum().backward()
model.zero_grad()
print(model.bias.grad)
