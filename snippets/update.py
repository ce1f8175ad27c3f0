# --8<-- [start:setup]
import torch
import torch.nn as nn
from lenet import Net

torch.manual_seed(0)
net = Net()
input = torch.randn(1, 1, 32, 32)
target = torch.randn(1, 10)
criterion = nn.MSELoss()
# --8<-- [end:setup]

# --8<-- [start:manual]
net.zero_grad()
loss = criterion(net(input), target)
loss.backward()
print(type(net.fc3.bias))
print(type(net.fc3.bias.data), type(net.fc3.bias.grad))

learning_rate = 0.01
before = net.fc3.bias.data.clone()
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)  # weight = weight - learning_rate * gradient
print(before)
print(net.fc3.bias.data)
# --8<-- [end:manual]

# --8<-- [start:optim]
import torch.optim as optim

optimizer = optim.SGD(net.parameters(), lr=0.01)

# in your training loop:
optimizer.zero_grad()  # zero the gradient buffers
output = net(input)
loss = criterion(output, target)
print(loss)
loss.backward()
optimizer.step()  # does the update
print(criterion(net(input), target))  # lower after the step
# --8<-- [end:optim]
