import io

import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
state = model.state_dict()
print(list(state.keys()))
print(state["0.bias"])
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
copy = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
x = torch.randn(2, 4)
print(torch.equal(model(x), copy(x)))
result = copy.load_state_dict(torch.load(buffer))
print(result)
print(torch.equal(model(x), copy(x)))
print(copy(x))
buffer = io.BytesIO()
torch.save({"epoch": 3, "weights": torch.arange(4.0)}, buffer)
buffer.seek(0)
checkpoint = torch.load(buffer)
print(checkpoint["epoch"], checkpoint["weights"])
