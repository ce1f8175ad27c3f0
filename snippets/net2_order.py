# --8<-- [start:net2]
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net2(nn.Module):
    """The same layers as Net, declared in another order."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.conv2 = nn.Conv2d(6, 16, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


torch.manual_seed(0)
net2 = Net2()
print(net2)
print([tuple(p.shape) for p in net2.parameters()])
print([name for name, _ in net2.named_parameters()])
# --8<-- [end:net2]
