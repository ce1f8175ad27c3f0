import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

pred = torch.randn(4, 3, requires_grad=True)
target = torch.randn(4, 3)
labels = torch.tensor([0, 2, 1, 2])
print(nn.MSELoss()(pred, target), nn.MSELoss(reduction="sum")(pred, target))
print(nn.L1Loss()(pred, target), nn.SmoothL1Loss()(pred, target), nn.HuberLoss(delta=0.5)(pred, target))
print(F.nll_loss(F.log_softmax(pred, dim=1), labels), F.cross_entropy(pred, labels))
print(nn.NLLLoss(reduction="none")(F.log_softmax(pred, 1), labels))
probs = torch.sigmoid(pred)
bits = (target > 0).float()
print(F.binary_cross_entropy(probs, bits), F.binary_cross_entropy_with_logits(pred, bits))
print(nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0, 3.0]))(pred, bits))
print(nn.MSELoss(reduction="none")(pred, target)[0])
loss = F.cross_entropy(pred, labels)
loss.backward()
print(pred.grad)
print(loss.grad_fn.name())
