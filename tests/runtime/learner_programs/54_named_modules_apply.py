import torch
import torch.nn as nn

torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(2 * 4 * 4, 3))

    def forward(self, x):
        return self.head(torch.relu(self.conv(x)))


net = Block()
for name, module in net.named_modules():
    print(repr(name), type(module).__name__)
for name, child in net.named_children():
    print(name, child)
print([name for name, _ in net.named_parameters()])
print({k: tuple(v.shape) for k, v in net.state_dict().items()})
counts = []
net.apply(lambda m: counts.append(type(m).__name__))
print(counts)
print(net.get_submodule("head.1"), net.get_parameter("conv.bias").shape)
print(net(torch.randn(2, 1, 6, 6)))
print(net.head[1].in_features, net.conv.kernel_size, net.conv.out_channels)
