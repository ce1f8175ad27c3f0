import torch
import torch.nn as nn

torch.manual_seed(0)

layer = nn.Linear(4, 3)
nn.init.xavier_uniform_(layer.weight)
nn.init.zeros_(layer.bias)
print(layer.weight, layer.bias)
nn.init.xavier_normal_(layer.weight)
print(layer.weight)
conv = nn.Conv2d(2, 3, 3)
nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
print(conv.weight[0, 0])
nn.init.kaiming_uniform_(conv.weight, a=0.1)
print(conv.weight[1, 1])
nn.init.constant_(conv.bias, 0.1)
nn.init.normal_(layer.weight, mean=0.0, std=0.02)
print(conv.bias, layer.weight)
nn.init.uniform_(layer.bias, -0.5, 0.5)
print(layer.bias)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)


net = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
net.apply(init_weights)
print(net[2].weight, net[0].bias)
print(nn.init.calculate_gain("relu"), nn.init.calculate_gain("tanh"))
