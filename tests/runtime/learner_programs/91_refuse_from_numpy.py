import numpy as np
import torch

torch.manual_seed(0)

print(torch.ones(2))
data = np.array([[1, 2], [3, 4]])
t = torch.from_numpy(data)
print(t)
