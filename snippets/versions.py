# --8<-- [start:names]
import torch
import torch.nn as nn
from lenet import Net

torch.manual_seed(0)
net = Net()
loss = nn.MSELoss()(net(torch.randn(1, 1, 32, 32)), torch.randn(1, 10))
print(loss.grad_fn.name())
print(loss.grad_fn.next_functions[0][0].name())
loss.backward()
net.zero_grad()
print(net.fc3.bias.grad)
net.fc3.bias.grad = torch.ones(10)
net.zero_grad(set_to_none=False)  # the old behaviour, on request
print(net.fc3.bias.grad)
# --8<-- [end:names]
