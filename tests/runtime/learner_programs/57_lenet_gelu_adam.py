import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.gelu(self.conv1(x)), 2)
        x = F.max_pool2d(F.gelu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.gelu(self.fc1(x))
        x = F.gelu(self.fc2(x))
        return self.fc3(x)


net = Net()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
input = torch.randn(2, 1, 32, 32)
target = torch.randn(2, 10)
for step in range(3):
    optimizer.zero_grad()
    loss = F.mse_loss(net(input), target)
    loss.backward()
    optimizer.step()
    print(step, loss.item())
print(net.fc3.bias)
