import torch
import torch.nn as nn

torch.manual_seed(0)

block = nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU())
print(block)
x = torch.randn(4, 1, 6, 6)
out = block(x)
print(out.shape)
print(out[0, 0])
bn = block[1]
print(bn.running_mean)
print(bn.running_var)
print(bn.num_batches_tracked)
block.eval()
print(block.training, bn.training)
out_eval = block(x)
print(out_eval[0, 0])
print(bn.num_batches_tracked)
