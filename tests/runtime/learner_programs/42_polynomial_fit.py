import torch

torch.manual_seed(0)

x = torch.linspace(-2, 2, 25)
y = 0.5 * x**3 - x**2 + 2 * x - 1
features = torch.stack([x**i for i in range(4)], dim=1)
coeffs = torch.randn(4, requires_grad=True)
optimizer = torch.optim.Adam([coeffs], lr=0.1)
for step in range(150):
    optimizer.zero_grad()
    loss = torch.mean((features @ coeffs - y) ** 2)
    loss.backward()
    optimizer.step()
    if step % 30 == 29:
        print(step, loss.item())
print(coeffs)
print(features.shape, features[0])
