# --8<-- [start:trace]
import torch
import torch.nn.functional as F
from lenet import Net

torch.manual_seed(0)
net = Net()
x = torch.randn(4, 1, 32, 32)  # a mini-batch of N=4 images
print("input  ", tuple(x.shape))
x = F.relu(net.conv1(x))
print("c1     ", tuple(x.shape))
x = F.max_pool2d(x, 2)
print("s2     ", tuple(x.shape))
x = F.relu(net.conv2(x))
print("c3     ", tuple(x.shape))
x = F.max_pool2d(x, 2)
print("s4     ", tuple(x.shape))
x = torch.flatten(x, 1)
print("flat   ", tuple(x.shape))
x = F.relu(net.fc1(x))
print("f5     ", tuple(x.shape))
x = F.relu(net.fc2(x))
print("f6     ", tuple(x.shape))
x = net.fc3(x)
print("output ", tuple(x.shape))
# --8<-- [end:trace]
