import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

logits = torch.randn(4, 3, requires_grad=True)
labels = torch.tensor([0, 2, -100, 1])
loss = F.cross_entropy(logits, labels, ignore_index=-100)
loss.backward()
print(loss)
print(logits.grad)
soft = torch.softmax(torch.randn(4, 3), dim=1)
print(F.cross_entropy(logits, soft))
print(nn.CrossEntropyLoss(label_smoothing=0.2, reduction="sum")(logits, torch.tensor([0, 2, 1, 1])))
seq = torch.randn(2, 3, 5)
print(F.cross_entropy(seq, torch.tensor([[0, 1, 2, 0, 1], [2, 2, 1, 0, 0]])))
print(F.nll_loss(torch.log_softmax(logits, 1), torch.tensor([0, 2, 1, 1]), weight=torch.tensor([0.2, 0.3, 0.5])))
