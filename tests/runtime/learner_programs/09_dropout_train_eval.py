import torch
import torch.nn as nn

torch.manual_seed(0)

drop = nn.Dropout(p=0.5)
x = torch.ones(3, 8)
print(drop(x))
print(drop(x))
drop.eval()
print(drop(x))
model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.25), nn.Linear(4, 1))
inp = torch.randn(5, 4)
model.train()
print(model(inp).squeeze(1))
model.eval()
print(model(inp).squeeze(1))
print([m.training for m in model])
print(nn.functional.dropout(x[0], p=0.2, training=True))
