"""The walker is duck-typed: any object with next_functions and name() is a node (the in-browser runtime's are)."""

import grad_graph
from grad_graph.names import model_from_globals, names_from_globals


class FakeNode:
    def __init__(self, name, *children, shape=None):
        self._name = name
        self.next_functions = tuple((child, 0) for child in children)
        if shape is not None:
            self._input_metadata = (FakeMetadata(shape),)

    def name(self):
        return self._name

    def __getattr__(self, name):
        # The runtime's nodes name any missing public API in a NotImplementedError, not an AttributeError.
        if name.startswith("_"):
            raise AttributeError(name)
        raise NotImplementedError(f"torch.autograd.graph.Node.{name} is not available in the in-browser runtime")


class FakeMetadata:
    def __init__(self, shape):
        self.shape = shape


class FakeTensor:
    def __init__(self, shape, grad_fn=None, requires_grad=False):
        self.shape, self.grad_fn, self.requires_grad = shape, grad_fn, requires_grad


class FakeAccumulateGrad(FakeNode):
    def __init__(self, variable):
        super().__init__("torch::autograd::AccumulateGrad")
        self.variable = variable


class FakeModule:
    def __init__(self, **parameters):
        self._parameters = parameters

    def named_parameters(self):
        return iter(self._parameters.items())


def test_fake_nodes_make_the_same_model():
    weight, bias = FakeTensor((2, 3), requires_grad=True), FakeTensor((2,), requires_grad=True)
    w_leaf, b_leaf = FakeAccumulateGrad(weight), FakeAccumulateGrad(bias)
    t = FakeNode("TBackward0", w_leaf, shape=(3, 2))
    addmm = FakeNode("AddmmBackward0", b_leaf, None, t)  # next_functions[1] is x: no grad
    total = FakeNode("SumBackward0", addmm)
    loss = FakeTensor((), grad_fn=total)

    graph = grad_graph.build_graph(loss, module=FakeModule(weight=weight, bias=bias), name="loss")
    assert [(n.id, n.name, n.path, n.label) for n in graph.nodes] == [
        ("n0", "SumBackward0", (), None),
        ("n1", "AddmmBackward0", (0,), None),
        ("n2", "AccumulateGrad", (0, 0), "bias"),
        ("n3", "TBackward0", (0, 2), None),
        ("n4", "AccumulateGrad", (0, 2, 0), "weight"),
    ]
    assert [(e.source, e.index, e.target) for e in graph.edges] == [
        ("n0", 0, "n1"),
        ("n1", 0, "n2"),
        ("n1", 2, "n3"),
        ("n3", 0, "n4"),
    ]
    # Shapes where known: the root from its tensor, leaves from their variable, others from _input_metadata.
    assert [n.shapes for n in graph.nodes] == [((),), (), ((2,),), ((3, 2),), ((2, 3),)]
    assert graph.expression(graph.nodes[4]) == (
        "loss.grad_fn.next_functions[0][0].next_functions[2][0].next_functions[0][0]"
    )
    dot = grad_graph.to_dot(graph, highlight=(0, 2, 0))
    assert dot.count("ag-on-path") == 4 + 3


def test_names_from_globals_prefix_module_variables():
    weight, x = FakeTensor((1,), requires_grad=True), FakeTensor((1,), requires_grad=True)
    fc = FakeModule(weight=weight)
    namespace = {
        "FakeModule": FakeModule,
        "fc": fc,
        "alias": fc,
        "x": x,
        "_hidden": FakeTensor((1,), requires_grad=True),
        "data": FakeTensor((1,)),
    }
    assert names_from_globals(namespace) == {"fc.weight": weight, "x": x}


def test_the_model_is_the_module_variable_most_leaves_belong_to():
    weight, bias, scale = (FakeTensor((1,), requires_grad=True) for _ in range(3))
    net, head = FakeModule(weight=weight, bias=bias), FakeModule(scale=scale)
    root = FakeNode("AddBackward0", FakeAccumulateGrad(scale), FakeAccumulateGrad(weight), FakeAccumulateGrad(bias))
    namespace = {"head": head, "net": net}
    graph = grad_graph.build_graph(FakeTensor((1,), grad_fn=root), params=names_from_globals(namespace))
    assert model_from_globals(namespace, graph) is net
    alone = grad_graph.build_graph(FakeTensor((1,), grad_fn=FakeNode("MulBackward0", FakeAccumulateGrad(weight))))
    assert model_from_globals(namespace, alone) is None  # no leaf is named after a module variable
