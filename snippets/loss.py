# --8<-- [start:loss]
import torch
import torch.nn as nn
from lenet import Net

torch.manual_seed(0)
net = Net()
input = torch.randn(1, 1, 32, 32)
output = net(input)
target = torch.randn(10)  # a dummy target, for the example
target = target.view(1, -1)  # make it the same shape as output
criterion = nn.MSELoss()

loss = criterion(output, target)
print(loss)
# --8<-- [end:loss]

# --8<-- [start:walk]
print(loss.grad_fn.name())  # MSELoss
addmm = loss.grad_fn.next_functions[0][0]
print(addmm.name())  # fc3: bias + input @ weight.T
print(addmm.next_functions[0][0].name())  # NOT the ReLU: fc3's bias
print(addmm.next_functions[0][0].variable is net.fc3.bias)
# --8<-- [end:walk]

# --8<-- [start:inputs]
for index, (node, _) in enumerate(addmm.next_functions):
    print(index, node.name())
relu = addmm.next_functions[1][0]
print(relu.next_functions[0][0].name())  # fc2's Addmm, one layer further back
# --8<-- [end:inputs]
