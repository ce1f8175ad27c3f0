# --8<-- [start:compare]
import torch

x = torch.arange(2 * 16 * 5 * 5).reshape(2, 16, 5, 5)  # a batch of two conv2 outputs
by_view = x.view(-1, 16 * 5 * 5)  # what num_flat_features computes: 400
by_flatten = torch.flatten(x, 1)  # keep dim 0 (the batch), flatten the rest
print(by_view.shape, by_flatten.shape, torch.equal(by_view, by_flatten))
print(torch.flatten(x).shape)  # without start_dim the batch is flattened too
# --8<-- [end:compare]
