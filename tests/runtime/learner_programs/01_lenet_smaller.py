import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Net(nn.Module):
    """LeNet with smaller layers: 3x3 kernels, 4 and 8 channels, one hidden affine layer."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.fc1 = nn.Linear(8 * 6 * 6, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # 32 -> 30 -> 15
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # 15 -> 13 -> 6
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


net = Net()
print(net)
x = torch.randn(2, 1, 32, 32)
out = net(x)
print(out.shape)
print(out)
print([tuple(p.shape) for p in net.parameters()])
