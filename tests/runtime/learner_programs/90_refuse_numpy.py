import torch

torch.manual_seed(0)

t = torch.randn(2, 3)
print(t)
print(t.tolist())
array = t.numpy()  # the in-browser runtime has no NumPy
print(array)
