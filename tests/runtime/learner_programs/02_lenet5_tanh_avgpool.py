import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class LeNet5(nn.Module):
    """The 1998 LeNet-5: tanh activations and average pooling."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.avg_pool2d(torch.tanh(self.conv1(x)), 2)  # 28 -> 28 -> 14
        x = F.avg_pool2d(torch.tanh(self.conv2(x)), 2)  # 14 -> 10 -> 5
        x = x.view(x.size(0), -1)
        x = torch.tanh(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return self.fc3(x)


net = LeNet5()
x = torch.randn(1, 1, 28, 28)
target = torch.randn(1, 10)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
for step in range(3):
    optimizer.zero_grad()
    loss = criterion(net(x), target)
    loss.backward()
    optimizer.step()
    print(step, loss.item())
print(net.conv1.bias.grad)
