# --8<-- [start:net]
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net3x3(nn.Module):
    """The tutorial's older variant: 3x3 kernels and a hand-written flatten."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)  # 32 -> 30 -> 15 -> 13 -> 6
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def num_flat_features(self, x):
        size = x.size()[1:]  # every dimension but the batch
        num_features = 1
        for s in size:
            num_features *= s
        return num_features
# --8<-- [end:net]


# --8<-- [start:run]
torch.manual_seed(0)
net3 = Net3x3()
print(net3)
out3 = net3(torch.randn(1, 1, 32, 32))
print(out3.shape, out3.grad_fn.name())
# --8<-- [end:run]
