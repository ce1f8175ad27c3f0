import torch
import torch.nn as nn

torch.manual_seed(0)

pred = torch.randn(3, 4, requires_grad=True)
target = torch.randn(3, 4)
by_hand = ((pred - target) ** 2).mean()
by_module = nn.MSELoss()(pred, target)
print(by_hand, by_module, by_hand.item() == by_module.item())
(g_hand,) = torch.autograd.grad(by_hand, pred)
(g_module,) = torch.autograd.grad(by_module, pred)
print(g_hand)
print(g_module)
print(torch.equal(g_hand, g_module), (g_hand - g_module).abs().max())
print(by_hand.grad_fn, by_module.grad_fn.name())
print(by_hand.grad_fn.next_functions)
