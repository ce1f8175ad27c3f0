# --8<-- [start:setup]
import torch
import torch.nn as nn
from lenet import Net

torch.manual_seed(0)
net = Net()
input = torch.randn(1, 1, 32, 32)
target = torch.randn(1, 10)
criterion = nn.MSELoss()
loss = criterion(net(input), target)
# --8<-- [end:setup]

# --8<-- [start:backward]
net.zero_grad()  # clear any gradient left over
print("conv1.bias.grad before backward")
print(net.conv1.bias.grad)

loss.backward(retain_graph=True)  # keep the graph: we backpropagate twice below

print("conv1.bias.grad after backward")
print(net.conv1.bias.grad)
# --8<-- [end:backward]

# --8<-- [start:accumulate]
first = net.conv1.bias.grad.clone()
loss.backward()  # a second backward ADDS to .grad
print(torch.allclose(net.conv1.bias.grad, 2 * first))
net.zero_grad()
print(net.conv1.bias.grad)  # None since PyTorch 2.0 (set_to_none=True)
# --8<-- [end:accumulate]
