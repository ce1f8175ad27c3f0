import torch

torch.manual_seed(0)

logits = torch.randn(5, requires_grad=True)
y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
p = torch.sigmoid(logits)
by_hand = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
builtin = torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
print(by_hand, builtin)
by_hand.backward()
print(logits.grad)
print(p - y)
print((p - y) / 5)
