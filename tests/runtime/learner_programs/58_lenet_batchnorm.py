import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.bn1 = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.bn3 = nn.BatchNorm1d(120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.relu(self.bn3(self.fc1(torch.flatten(x, 1))))
        return self.fc2(x)


net = Net()
print(net)
optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
input = torch.randn(4, 1, 32, 32)
labels = torch.tensor([1, 0, 4, 9])
for step in range(3):
    optimizer.zero_grad()
    loss = F.cross_entropy(net(input), labels)
    loss.backward()
    optimizer.step()
    print(step, loss.item())
net.eval()
print(net(input[:1]))
print(net.bn1.running_mean)
