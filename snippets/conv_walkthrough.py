# --8<-- [start:shapes]
import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(3, 5, 5)  # one image: 3 channels of 5x5
conv = nn.Conv2d(in_channels=3, out_channels=4, kernel_size=3)
print(conv.weight.shape)  # four filters, each (3, 3, 3)
print(conv.bias.shape)  # one bias per filter
y = conv(x.unsqueeze(0))  # Conv2d wants a batch: (1, 3, 5, 5)
print(y.shape)  # (1, 4, 3, 3): 4 channels of 3x3
# --8<-- [end:shapes]

# --8<-- [start:by-hand]
k, i, j = 2, 1, 0  # filter 2, output row 1, output column 0
patch = x[:, i : i + 3, j : j + 3]  # the (3, 3, 3) window under the filter
by_hand = (patch * conv.weight[k]).sum() + conv.bias[k]
print(f"{by_hand.item():.4f} {y[0, k, i, j].item():.4f}")
print(torch.allclose(by_hand, y[0, k, i, j]))
# --8<-- [end:by-hand]
