"""The runtime's indexing against real PyTorch: __getitem__ and __setitem__ with ints, slices, None, Ellipsis, bools,
index tensors, lists and masks (where the indexed dims go, bounds errors), index_put with duplicate positions, and
the gather/scatter family: values, dtypes, node names and gradients, exact (duplicates sum in ATen's order)."""

import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import assert_same, to_bt
from test_shape_ops import compare, floats

X = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5)


def idx(lib, values):
    return lib.tensor(values)


GETITEM = {
    "list": lambda lib, x: x[[1, 0, 1]],
    "list_negative": lambda lib, x: x[[-1, 0]],
    "tensor": lambda lib, x: x[lib.tensor([[1, 0], [0, 0]])],
    "second_dim": lambda lib, x: x[:, [2, 0, 2]],
    "ellipsis_last": lambda lib, x: x[..., [4, 0]],
    "adjacent_pair": lambda lib, x: x[:, [0, 1], [1, 3]],
    "separated_pair": lambda lib, x: x[[0, 1], :, [1, 3]],
    "separated_by_int": lambda lib, x: x[:, [0, 1], 2],
    "int_then_list": lambda lib, x: x[1, [0, 2]],
    "int_list_int_list": lambda lib, x: x[[0, 1], 0, :, [0, 1]],
    "broadcast": lambda lib, x: x[[[0], [1]], 1:, [0, 2]],
    "broadcast_separated": lambda lib, x: x[[0, 1], ..., [[0], [1]]],
    "none_and_list": lambda lib, x: x[None, ..., [0, 1], None],
    "list_none_list": lambda lib, x: x[[0, 1], None, [0, 1]],
    "mask": lambda lib, x: x[x > 50],
    "mask_2d": lambda lib, x: x[(x.sum((2, 3)) > 300)],
    "mask_inner": lambda lib, x: x[:, :, lib.tensor([True, False, True, True])],
    "mask_list": lambda lib, x: x[:, [True, False, True]],
    "mask_and_list": lambda lib, x: x[lib.tensor([True, False]), :, [1, 2]],
    "bool_true": lambda lib, x: x[True],
    "bool_false": lambda lib, x: x[False],
    "bool_with_list": lambda lib, x: x[True, [0, 1]],
    "bool_tensor_0d": lambda lib, x: x[lib.tensor(True)],
    "long_0d": lambda lib, x: x[lib.tensor(1)],
    "long_0d_in_tuple": lambda lib, x: x[:, lib.tensor(2), [0, 1]],
    "empty_list": lambda lib, x: x[[]],
    "empty_in_second": lambda lib, x: x[:, []],
    "float_list": lambda lib, x: x[[0.0, 1.0]],
    "slice_step": lambda lib, x: x[::2, [0, 2], 1::2],
    "single_slice": lambda lib, x: x[:],
    "single_full_slice": lambda lib, x: x[0:2],
    "full_slices": lambda lib, x: x[:, :],
    "ellipsis": lambda lib, x: x[...],
    "tuple_in_tuple": lambda lib, x: x[(0, 1),],
    "duplicates": lambda lib, x: x[[0, 0, 1, 0]] * 2,
    "duplicates_2d": lambda lib, x: x[:, [1, 1], [2, 2]],
    "nonzero_tuple": lambda lib, x: x[lib.nonzero(x > 100, as_tuple=True)],
}


@pytest.mark.parametrize("name", GETITEM)
def test_getitem_matches_pytorch(bt, name):
    # (the runtime's contiguous strides of a shape holding a 0 differ from PyTorch's: not compared there)
    compare(bt, GETITEM[name], X * 0.37, check_strides=name not in ("empty_in_second", "bool_false"))


@settings(max_examples=20)
@given(data=st.data())
def test_getitem_random_indices_and_gradients_of_duplicates(bt, data):
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    x = floats(shape, data)
    count = data.draw(st.integers(1, len(shape)))
    dims = sorted(data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=count, max_size=count, unique=True)))
    n = data.draw(st.integers(0, 6))
    items = [slice(None)] * len(shape)
    for d in dims:
        items[d] = data.draw(st.lists(st.integers(-shape[d], shape[d] - 1), min_size=n, max_size=n))
    compare(bt, lambda lib, a: a[tuple(items)], x, grad_seed=data.draw(st.integers(0, 99)))


INDEX_ERRORS = {
    "int": lambda x: x[5],
    "list": lambda x: x[[5]],
    "second": lambda x: x[:, [3]],
    "second_negative": lambda x: x[:, [-4]],
    "later_indexer": lambda x: x[:, :, [0], [7]],
    "int_after_none": lambda x: x[None, 0, 9],
    "shape_mismatch": lambda x: x[[0, 1], [0, 1, 2]],
    "mask_shape": lambda x: x[x[0, 0, 0] > 0],
    "mask_2d_shape": lambda x: x[:, x[0, :2, :2] > 0],
    "float_tensor": lambda x: x[x[0, 0, 0, :2]],
    "float": lambda x: x[0.5],
    "set": lambda x: x[{0, 1}],
    "too_many": lambda x: x[0, 0, 0, 0, 0],
    "too_many_with_list": lambda x: x[0, 0, [0], 0, 0],
}


@pytest.mark.parametrize("name", INDEX_ERRORS)
def test_indexing_errors_match_pytorch(bt, name):
    with pytest.raises(Exception) as real:
        INDEX_ERRORS[name](X)
    with pytest.raises(Exception) as ours:
        INDEX_ERRORS[name](to_bt(bt, X))
    assert type(ours.value) is type(real.value)
    assert str(ours.value) == str(real.value)


def test_nested_list_index_is_a_tuple_with_pytorch_warning(bt):
    for _lib, x in ((torch, X), (bt, to_bt(bt, X))):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = x[[[0, 1], [1, 0]]]
        assert tuple(result.shape) == (2, 4, 5)
        assert str(caught[0].message).startswith("Using a non-tuple sequence for multidimensional indexing")


SETITEM = {
    "int": (lambda lib, x: x.__setitem__(1, 7.0)),
    "slice_tensor": (lambda lib, x: x.__setitem__((slice(None), 0), lib.arange(2.0).reshape(2, 1, 1) + 0.5)),
    "leading_ones": (lambda lib, x: x.__setitem__((0, 0, 0), lib.ones(1, 1, 5))),
    "list_number": (lambda lib, x: x.__setitem__([1, 0], -1.0)),
    "list_duplicates": (lambda lib, x: x.__setitem__((slice(None), [1, 1, 0]), lib.arange(6.0).reshape(2, 3, 1, 1))),
    "mask_number": (lambda lib, x: x.__setitem__(x > 60, 0.0)),
    "mask_tensor": (lambda lib, x: x.__setitem__(x > 100, lib.arange(19.0))),
    "mask_broadcast": (lambda lib, x: x.__setitem__(x[:, :, :, 0] > 30, lib.arange(5.0))),
    "separated": (lambda lib, x: x.__setitem__(([0, 1], slice(None), [1, 3]), lib.ones(3, 5) * 3)),
    "iadd_duplicates": (lambda lib, x: x.__setitem__([0, 0], x[[0, 0]] + 1)),
    "bool_value_long": (lambda lib, x: x.__setitem__([0], True)),
    "false": (lambda lib, x: x.__setitem__(False, 3.0)),
    "ellipsis": (lambda lib, x: x.__setitem__(..., 2.0)),
}


@pytest.mark.parametrize("name", SETITEM)
def test_setitem_matches_pytorch(bt, name):
    real, ours = X.clone(), to_bt(bt, X)
    SETITEM[name](torch, real)
    SETITEM[name](bt, ours)
    assert_same(ours, real)


def test_setitem_augmented_assignment_with_duplicates_is_last_write(bt):
    for lib in (torch, bt):
        x = lib.zeros(4)
        x[[0, 0, 2]] += 1
        assert x.tolist() == [1, 0, 1, 0]


def test_setitem_long_tensor_from_float(bt):
    real, ours = torch.zeros(3, dtype=torch.long), bt.zeros(3, dtype=bt.int64)
    real[[0, 2]] = 2.7
    ours[[0, 2]] = 2.7
    assert ours.tolist() == real.tolist()


SETITEM_ERRORS = {
    "dtype": lambda lib, x: x.__setitem__([0], lib.ones(1, dtype=lib.float64)),
    "broadcast": lambda lib, x: x.__setitem__([0, 1], lib.ones(3)),
    "broadcast_2d": lambda lib, x: x.__setitem__([0], lib.ones(2, 1)),
    "slice_expand": lambda lib, x: x.__setitem__(slice(0, 2), lib.ones(3)),
    "too_many_dims": lambda lib, x: x.__setitem__(0, lib.ones(2)),
    "leaf": lambda lib, x: x.requires_grad_().__setitem__([0], 1.0),
    "leaf_view": lambda lib, x: x.requires_grad_().__setitem__(0, 1.0),
}


@pytest.mark.parametrize("name", SETITEM_ERRORS)
def test_setitem_errors_match_pytorch(bt, name):
    with pytest.raises(Exception) as real:
        SETITEM_ERRORS[name](torch, torch.zeros(3))
    with pytest.raises(Exception) as ours:
        SETITEM_ERRORS[name](bt, bt.zeros(3))
    assert type(ours.value) is type(real.value)
    assert str(ours.value) == str(real.value)


def test_setitem_records_index_put_on_a_non_leaf(bt):
    def fn(lib, a, v):
        y = a * 2
        y[[0, 2, 0]] = v
        return y

    compare(bt, fn, torch.randn(3, 2), torch.randn(2))

    def fn_accumulate(lib, a, v):
        return (a * 1).index_put_((lib.tensor([0, 2, 0]),), v, accumulate=True)

    compare(bt, fn_accumulate, torch.randn(3, 2), torch.randn(3, 2))


def test_index_put_accumulate_sums_duplicates_in_order(bt):
    values = torch.tensor([1e8, 1.0, -1e8, 1.0, 3.5, 0.1])
    index = torch.tensor([0, 0, 0, 0, 1, 0])
    real = torch.zeros(2).index_put_((index,), values, accumulate=True)
    ours = bt.zeros(2).index_put_((to_bt(bt, index),), to_bt(bt, values), accumulate=True)
    assert_same(ours, real)
    real = torch.index_put(torch.ones(2), (index,), values)
    ours = bt.index_put(bt.ones(2), (to_bt(bt, index),), to_bt(bt, values))
    assert_same(ours, real)


def _long(*values):
    return torch.tensor(values if len(values) != 1 else values[0])


def _REDUCE_INDEX(lib):
    return lib.tensor([[0, 0, 0], [1, 3, 1], [2, 2, 3]])


OPS = {
    "index_select": ([(3, 4)], lambda lib, a: lib.index_select(a, 0, lib.tensor([2, 0, 2, 2]))),
    "index_select_dim1": ([(3, 4)], lambda lib, a: a.index_select(1, lib.tensor([3, 3, 1]))),
    "index_select_0d": ([(3, 4)], lambda lib, a: a.index_select(0, lib.tensor(1))),
    "gather": ([(3, 4)], lambda lib, a: lib.gather(a, 1, lib.tensor([[0, 0, 3], [1, 1, 1], [2, 3, 2]]))),
    "gather_dim0": ([(3, 4)], lambda lib, a: a.gather(0, lib.tensor([[0, 2], [0, 0], [1, 0], [2, 2]]))),
    "scatter_src": ([(3, 4), (1, 4)], lambda lib, a, b: lib.scatter(a, 0, lib.tensor([[0, 2, 1, 0]]), b)),
    "scatter_value": ([(3, 4)], lambda lib, a: a.scatter(1, lib.tensor([[0], [3], [1]]), 2.5)),
    "scatter_value_kw": ([(3, 4)], lambda lib, a: lib.scatter(a, 1, lib.tensor([[0], [3], [1]]), value=-1.0)),
    "scatter_": ([(3, 4), (3, 1)], lambda lib, a, b: (a * 1).scatter_(1, lib.tensor([[0], [3], [1]]), b)),
    "scatter_add": (
        [(3, 4), (3, 3)],
        lambda lib, a, b: lib.scatter_add(a, 1, lib.tensor([[0, 0, 0], [1, 3, 1], [2, 2, 2]]), b),
    ),
    "scatter_add_": ([(4,), (6,)], lambda lib, a, b: (a * 1).scatter_add_(0, lib.tensor([0, 0, 0, 0, 3, 0]), b)),
    "scatter_reduce_sum": ([(3, 4), (3, 3)], lambda lib, a, b: a.scatter_reduce(1, _REDUCE_INDEX(lib), b, "sum")),
    "scatter_reduce_mean": (
        [(3, 4), (3, 3)],
        lambda lib, a, b: lib.scatter_reduce(a, 1, _REDUCE_INDEX(lib), b, "mean", include_self=False),
    ),
    "scatter_reduce_amax": (
        [(3, 4), (3, 3)],
        lambda lib, a, b: a.scatter_reduce(1, _REDUCE_INDEX(lib), b.round(), "amax"),
    ),
    "scatter_reduce_amin_": (
        [(3, 4), (3, 3)],
        lambda lib, a, b: (a.round() * 1).scatter_reduce_(1, _REDUCE_INDEX(lib), b.round(), "amin", include_self=False),
    ),
    "scatter_reduce_prod": (
        [(3, 4), (3, 3)],
        lambda lib, a, b: a.detach().scatter_reduce(1, _REDUCE_INDEX(lib), b.detach(), "prod"),
    ),
    "take": ([(3, 4)], lambda lib, a: lib.take(a, lib.tensor([[0, 11], [-1, 0]]))),
    "put": ([(3, 4), (3,)], lambda lib, a, b: lib.put(a, lib.tensor([0, 5, 0]), b)),
    "put_accumulate": ([(3, 4), (3,)], lambda lib, a, b: (a * 1).put_(lib.tensor([0, 5, 0]), b, accumulate=True)),
    "take_along_dim": ([(3, 4)], lambda lib, a: lib.take_along_dim(a, lib.tensor([[0, 1, 2, 0]]), 0)),
    "take_along_dim_flat": ([(3, 4)], lambda lib, a: lib.take_along_dim(a, lib.tensor([0, 5, 5]))),
    "take_along_argmax": ([(3, 4)], lambda lib, a: a.take_along_dim(a.argmax(1, keepdim=True), 1)),
    "index_add": ([(3, 4), (5, 4)], lambda lib, a, b: lib.index_add(a, 0, lib.tensor([0, 2, 0, 0, 1]), b)),
    "index_add_alpha": ([(3, 4), (2, 4)], lambda lib, a, b: a.index_add(0, lib.tensor([2, 2]), b, alpha=2)),
    "index_add_": ([(3, 4), (3, 2)], lambda lib, a, b: (a * 1).index_add_(1, lib.tensor([3, 3]), b)),
    "index_copy": ([(3, 4), (2, 4)], lambda lib, a, b: lib.index_copy(a, 0, lib.tensor([2, 0]), b)),
    "index_fill": ([(3, 4)], lambda lib, a: a.index_fill(1, lib.tensor([0, 2]), -2.0)),
    "index_fill_": ([(3, 4)], lambda lib, a: (a * 1).index_fill_(0, lib.tensor([1]), 0.5)),
    "masked_select": ([(3, 4)], lambda lib, a: lib.masked_select(a, a > 0)),
    "masked_select_broadcast": ([(3, 1)], lambda lib, a: a.masked_select(lib.tensor([True, False, True]))),
    "masked_scatter": ([(3, 4), (13,)], lambda lib, a, b: lib.masked_scatter(a, a > 0, b)),
    "masked_scatter_": (
        [(3, 4), (2, 7)],
        lambda lib, a, b: (a * 1).masked_scatter_(lib.tensor([True, False, True, False]), b),
    ),
    "index_put": ([(3, 4), (4,)], lambda lib, a, b: lib.index_put(a, (lib.tensor([1, 1]),), b)),
    "index_put_2": (
        [(3, 4), ()],
        lambda lib, a, b: a.index_put((lib.tensor([1, 1]), lib.tensor([0, 3])), b, accumulate=True),
    ),
}


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=8)
@given(data=st.data())
def test_indexing_ops_match_pytorch(bt, name, data):
    shapes, fn = OPS[name]
    compare(bt, fn, *[floats(shape, data) for shape in shapes], grad_seed=data.draw(st.integers(0, 99)))


def test_nonzero_argwhere_and_one_arg_forms(bt):
    x = torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    ours = to_bt(bt, x)
    assert_same(bt.nonzero(ours), torch.nonzero(x))
    assert_same(ours.argwhere(), x.argwhere())
    for o, r in zip(ours.nonzero(as_tuple=True), x.nonzero(as_tuple=True)):
        assert_same(o, r)
    assert_same(bt.nonzero(bt.tensor(3.0)), torch.nonzero(torch.tensor(3.0)))
    assert_same(bt.nonzero(bt.tensor(3.0), as_tuple=True)[0], torch.nonzero(torch.tensor(3.0), as_tuple=True)[0])


OP_ERRORS = [
    lambda lib, x: lib.index_select(x, 0, lib.tensor([3])),
    lambda lib, x: lib.index_select(x, 0, lib.tensor([[0]])),
    lambda lib, x: lib.index_select(x, 0, lib.tensor([0.0])),
    lambda lib, x: lib.gather(x, 1, lib.tensor([[4]])),
    lambda lib, x: lib.gather(x, 1, lib.tensor([[-1]])),
    lambda lib, x: lib.gather(x, 1, lib.tensor([0])),
    lambda lib, x: lib.gather(x, 1, lib.tensor([[0.0]])),
    lambda lib, x: lib.scatter(x, 1, lib.tensor([[4]]), 1.0),
    lambda lib, x: lib.scatter(x, 1, lib.tensor([[0]]), lib.zeros(1, 1, dtype=lib.float64)),
    lambda lib, x: lib.scatter_add(x, 1, lib.tensor([[0, 0]]), lib.ones(1, 1)),
    lambda lib, x: lib.take(x, lib.tensor([12])),
    lambda lib, x: lib.take(x, lib.tensor([-13])),
    lambda lib, x: lib.take_along_dim(x, lib.tensor([1]), 0),
    lambda lib, x: lib.masked_select(x, lib.tensor([True, False])),
    lambda lib, x: lib.masked_select(x, lib.tensor([1, 0, 1, 0])),
    lambda lib, x: lib.masked_scatter(x, lib.ones(3, 4, dtype=lib.bool), lib.ones(5)),
    lambda lib, x: lib.index_add(x, 0, lib.tensor([3]), lib.ones(1, 4)),
    lambda lib, x: lib.index_add(x, 0, lib.tensor([0]), lib.ones(2, 4)),
    lambda lib, x: lib.index_copy(x, 0, lib.tensor([3]), lib.ones(1, 4)),
    lambda lib, x: lib.index_fill(x, 0, lib.tensor([3]), 1.0),
    lambda lib, x: lib.index_put(x, (lib.tensor([0]),), lib.ones(3)),
    lambda lib, x: lib.index_put(x, (lib.tensor([0]),), lib.ones(4, dtype=lib.float64)),
    lambda lib, x: lib.index_put(x, (lib.tensor([5]),), lib.ones(4)),
    lambda lib, x: x.put_(lib.tensor([12]), lib.ones(1)),
    lambda lib, x: x.put_(lib.tensor([0, 1]), lib.ones(1)),
]


@pytest.mark.parametrize("case", range(len(OP_ERRORS)))
def test_indexing_op_errors_match_pytorch(bt, case):
    with pytest.raises(Exception) as real:
        OP_ERRORS[case](torch, torch.zeros(3, 4))
    with pytest.raises(Exception) as ours:
        OP_ERRORS[case](bt, bt.zeros(3, 4))
    assert type(ours.value) is type(real.value)
    assert str(ours.value) == str(real.value)


def test_setitem_on_a_view_of_a_tensor_in_the_graph_records_copy_slices(bt):
    def fn(lib, a, v):
        y = a * 2
        y[:, 1] = v
        y[0, [0, 2, 0]] = lib.tensor([7.0, 8, 9])
        y[1:, 0] = 0.5
        return y

    compare(bt, fn, torch.randn(3, 3), torch.randn(3))

    def into_plain_tensor(lib, v):
        w = lib.zeros(2, 3)
        w[1] = v
        w[0, ::2] = v[0]
        return w

    compare(bt, into_plain_tensor, torch.randn(3))
