import torch
import torch.nn as nn

torch.manual_seed(0)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, device.type)
model = nn.Linear(3, 2).to(device)
x = torch.randn(4, 3, device=device)
out = model(x)
print(out.device, out.is_cuda, next(model.parameters()).device)
print(out.cpu(), out.to("cpu").dtype, out.to(torch.float64).dtype)
print(torch.ones(2, device="cpu"), x.to(device, torch.float64).dtype)
if torch.cuda.is_available():
    print("on the GPU")
else:
    print("on the CPU")
