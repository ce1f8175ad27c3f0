import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Linear(3, 1)
print(model)
x = torch.randn(2, 3)
x = x.cuda()
print(model.cuda()(x))
