import torch
import torch.nn as nn

torch.manual_seed(0)

seq_len, batch, n_in, n_hidden = 5, 2, 3, 4
inputs = torch.randn(seq_len, batch, n_in)
targets = torch.randn(batch, 1)
W_x = nn.Linear(n_in, n_hidden)
W_h = nn.Linear(n_hidden, n_hidden, bias=False)
head = nn.Linear(n_hidden, 1)
params = list(W_x.parameters()) + list(W_h.parameters()) + list(head.parameters())
optimizer = torch.optim.SGD(params, lr=0.1)
for epoch in range(10):
    h = torch.zeros(batch, n_hidden)
    for t in range(seq_len):
        h = torch.tanh(W_x(inputs[t]) + W_h(h))
    loss = nn.functional.mse_loss(head(h), targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 3 == 0:
        print(epoch, loss.item())
print(h)
print(W_h.weight.grad)
