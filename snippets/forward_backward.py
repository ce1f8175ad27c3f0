# --8<-- [start:setup]
import torch
from lenet import Net

torch.manual_seed(0)
net = Net()
input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out.shape)
# --8<-- [end:setup]

# --8<-- [start:backward]
net.zero_grad()  # start from empty gradient buffers
gradient = torch.randn(1, 10)  # stands in for d(something)/d(out)
out.backward(gradient)  # out is not a scalar, so backward needs this vector
print(net.conv1.bias.grad)
# --8<-- [end:backward]

# --8<-- [start:batch]
image = torch.randn(1, 32, 32)  # one image, no batch dimension
batch = image.unsqueeze(0)  # a fake batch of one: (1, 1, 32, 32)
print(image.shape, "->", batch.shape)
print(net(batch).shape)
# --8<-- [end:batch]
