# --8<-- [start:build]
import torch
from lenet import Net

torch.manual_seed(0)  # same weights on every run, here and in your browser
net = Net()
print(net)
# --8<-- [end:build]

# --8<-- [start:parameters]
params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's weight
for name, p in net.named_parameters():
    print(f"{name:12} {str(tuple(p.shape)):18} {p.numel():6}")
print("total:", sum(p.numel() for p in net.parameters()))
# --8<-- [end:parameters]

# --8<-- [start:bias]
print(net.conv1.bias)
# --8<-- [end:bias]

# --8<-- [start:forward]
input = torch.randn(1, 1, 32, 32)  # a batch of one 32x32 grey image
out = net(input)
print(out)
# --8<-- [end:forward]

# --8<-- [start:call]
same = net.forward(input)
print(torch.equal(out, same))
print(out.grad_fn.name(), same.grad_fn.name())
# --8<-- [end:call]
