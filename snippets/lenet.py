import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        # 1 input channel (a grey image), 6 output channels, 5x5 kernels
        self.conv1 = nn.Conv2d(1, 6, 5)  # (1)!
        self.conv2 = nn.Conv2d(6, 16, 5)
        # affine layers, y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # (2)!
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # convolve, rectify, then take the max over 2x2 windows
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        # a square window can be given as one number
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)  # (3)!
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
