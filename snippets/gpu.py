# --8<-- [start:device]
import torch
from lenet import Net

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device.type)  # "cuda" on a machine with an NVIDIA GPU

torch.manual_seed(0)
net = Net().to(device)  # moves every parameter
input = torch.randn(1, 1, 32, 32).to(device)  # inputs go to the same device
out = net(input)
print(out.shape, out.device.type)
print(out.cpu())  # back to the CPU, e.g. to print or to convert to NumPy
# --8<-- [end:device]
