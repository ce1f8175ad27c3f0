import torch

torch.manual_seed(0)

a = torch.randn(2, 2, requires_grad=True)
b = torch.randn(2, 2, requires_grad=True)
c = a @ b
d = torch.relu(c).sum()
print(a.is_leaf, c.is_leaf, d.is_leaf)
print(d.grad_fn, d.grad_fn.name())
node = d.grad_fn
while node is not None:
    print(node.name(), [type(n).__name__ if n is not None else None for n, _ in node.next_functions])
    node = node.next_functions[0][0] if node.next_functions else None
d.backward()
print(a.grad)
print(c.grad)
print(c.requires_grad, (a + 1).grad_fn.name(), (a * b).mean().grad_fn.name(), a.t().grad_fn.name())
