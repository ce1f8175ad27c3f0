import torch
import torch.nn.functional as F

torch.manual_seed(0)

logits = torch.randn(2, 5)
p = F.softmax(logits, dim=1)
print(p, p.sum(dim=1))
print(F.log_softmax(logits, dim=1))
print(torch.log(p) - F.log_softmax(logits, dim=1))
print(torch.softmax(logits, 0), logits.softmax(-1).argmax(-1))
big = torch.tensor([1000.0, 1001.0, 1002.0])
print(F.softmax(big, dim=0), F.log_softmax(big, dim=0))
print(torch.logsumexp(logits, dim=1))
x = logits.clone().requires_grad_()
F.softmax(x, dim=1)[:, 0].sum().backward()
print(x.grad)
print(torch.nn.Softmax(dim=1)(logits).shape, torch.nn.LogSoftmax(dim=1))
