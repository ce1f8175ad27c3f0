import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

x = torch.randn(1, 2, 9, 9)
for conv in [
    nn.Conv2d(2, 3, 3),
    nn.Conv2d(2, 3, 3, padding=1),
    nn.Conv2d(2, 3, 3, stride=2),
    nn.Conv2d(2, 3, (3, 5), stride=(1, 2), padding=(1, 2)),
    nn.Conv2d(2, 4, 1, bias=False),
]:
    print(conv, tuple(conv(x).shape))
print(F.max_pool2d(x, 3).shape, F.max_pool2d(x, 2, stride=1).shape, F.avg_pool2d(x, 3, stride=2).shape)
print(nn.MaxPool2d(2)(x)[0, 0])
print(nn.AdaptiveAvgPool2d(1)(x).flatten())
print(nn.Flatten()(x).shape, nn.Flatten(0, 1)(x).shape)
conv = nn.Conv2d(2, 1, 2)
out = conv(x[:, :, :3, :3])
print(out)
out.sum().backward()
print(conv.weight.grad)
