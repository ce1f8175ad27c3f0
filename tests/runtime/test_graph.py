"""The autograd graph the runtime records has PyTorch's node names, edge order and structure."""

import pytest
import torch
from runtime_helpers import graph_signature


def lenet(lib):
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = lib.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x.view(-1, 120)))
            return self.fc3(x)

    lib.manual_seed(0)
    net = Net()
    out = net(lib.randn(1, 1, 32, 32))
    return nn.MSELoss()(out, lib.randn(10).view(1, -1))


def leaf(lib, *shape):
    return lib.ones(*shape, requires_grad=True)


PROGRAMS = {
    "lenet_loss": lenet,
    "linear_1d": lambda lib: lib.nn.Linear(4, 3)(leaf(lib, 4)),
    "linear_3d": lambda lib: lib.nn.Linear(4, 3)(leaf(lib, 2, 5, 4)),
    "linear_no_bias": lambda lib: lib.nn.Linear(4, 3, bias=False)(leaf(lib, 2, 4)),
    "conv_unbatched": lambda lib: lib.nn.Conv2d(3, 4, 3)(leaf(lib, 3, 5, 5)),
    "conv_no_bias": lambda lib: lib.nn.Conv2d(3, 4, 3, bias=False)(leaf(lib, 1, 3, 5, 5)),
    "cross_entropy": lambda lib: lib.nn.CrossEntropyLoss()(leaf(lib, 2, 5) * 2, lib.tensor([1, 3])),
    "scalar_ops": lambda lib: (1 - (leaf(lib, 3) + 1) * 2 / 3) ** 2,
    "reciprocal": lambda lib: 2 / leaf(lib, 3),
    "shared_input": lambda lib: (lambda x: x * x + x.exp())(leaf(lib, 3)),
    "indexing": lambda lib: leaf(lib, 3, 5, 5)[:, 1:3, 2] + leaf(lib, 3, 5, 5)[0][None][..., 1:3, 1],
    "conv_walkthrough": lambda lib: (
        (leaf(lib, 3, 5, 5)[:, 0:3, 1:4] * leaf(lib, 4, 3, 3, 3)[2]).sum() + leaf(lib, 4)[2]
    ),
    "views": lambda lib: leaf(lib, 2, 3, 4).transpose(0, 1).reshape(3, -1).t().unsqueeze(0).squeeze(),
    "permute_expand": lambda lib: leaf(lib, 2, 1, 4).permute(2, 0, 1).expand(4, 2, 3).contiguous(),
    "reductions": lambda lib: leaf(lib, 2, 3).max() + leaf(lib, 2, 3).max(1)[0].sum() + leaf(lib, 2, 3).mean(0).sum(),
    "matmuls": lambda lib: (
        (leaf(lib, 3) @ leaf(lib, 3, 2)).sum() + (leaf(lib, 2, 3) @ leaf(lib, 3)).sum() + leaf(lib, 3) @ leaf(lib, 3)
    ),
    "softmax_dropout": lambda lib: lib.nn.functional.dropout(lib.softmax(leaf(lib, 2, 3), 1), 0.5),
    "nonleaf_in_place": lambda lib: (lambda y: y.relu_())(leaf(lib, 3) * 2),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_graph_matches_pytorch(bt, name):
    torch.manual_seed(0)
    bt.manual_seed(0)
    real, ours = PROGRAMS[name](torch), PROGRAMS[name](bt)
    assert graph_signature(ours.grad_fn) == graph_signature(real.grad_fn)


def test_accumulate_grad_points_at_the_leaf_and_repr_looks_like_pytorch(bt):
    loss = lenet(bt)
    addmm = loss.grad_fn.next_functions[0][0]
    bias_node = addmm.next_functions[0][0]
    assert type(bias_node).__name__ == "AccumulateGrad"
    assert bias_node.variable.shape == bt.Size([10]) and bias_node.variable.requires_grad
    assert repr(loss.grad_fn).startswith("<MseLossBackward0 object at 0x")
    assert repr(type(addmm)) == repr(type(lenet(torch).grad_fn.next_functions[0][0]))
    assert bias_node.next_functions == ()


def input_metadata_shapes(node):
    """The graph below node as nested (name, [shape per forward output], [children]), from _input_metadata."""
    if node is None:
        return None
    return (
        node.name(),
        [list(entry.shape) for entry in node._input_metadata],
        [input_metadata_shapes(child) for child, _ in node.next_functions],
    )


@pytest.mark.parametrize("name", ["lenet_loss", "reductions", "nonleaf_in_place"])
def test_input_metadata_shapes_match_pytorch(bt, name):
    torch.manual_seed(0)
    bt.manual_seed(0)
    real, ours = PROGRAMS[name](torch), PROGRAMS[name](bt)
    assert input_metadata_shapes(ours.grad_fn) == input_metadata_shapes(real.grad_fn)
    metadata = ours.grad_fn._input_metadata[0]
    assert type(metadata.shape) is type(real.grad_fn._input_metadata[0].shape)
    assert (metadata.dtype.name, str(metadata.device)) == ("float32", "cpu")
