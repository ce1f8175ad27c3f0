"""The runtime's joining, splitting, repeating, flipping and rearranging ops against real PyTorch: values, dtypes,
strides where PyTorch returns views, autograd node names and gradients (exact), and error messages."""

import math
import warnings

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import assert_same, graph_signature, to_bt

settings.register_profile(
    "runtime",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("runtime")

FLOAT32 = st.floats(-8, 8, width=32, allow_nan=False, allow_infinity=False)


def _flat(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def compare(bt, fn, *inputs, grad_seed=0, check_strides=False):
    """fn(lib, *inputs) in PyTorch and in the runtime: same outputs (values, dtypes, graph), and the same gradients
    of every floating input after backpropagating the same random gradient through every output."""
    results = []
    for lib in (torch, bt):
        args = []
        for x in inputs:
            if not isinstance(x, torch.Tensor):
                args.append(x)
            elif lib is torch:
                args.append(x.detach().clone().requires_grad_(x.is_floating_point()))
            else:
                args.append(to_bt(bt, x).reshape(x.shape).requires_grad_(x.is_floating_point()))
        outs = _flat(fn(lib, *args))
        torch.manual_seed(grad_seed)
        total = None
        for out in outs:
            if out.requires_grad:
                upstream = torch.randn(tuple(out.shape))
                term = (out * (upstream if lib is torch else to_bt(bt, upstream).reshape(upstream.shape))).sum()
                total = term if total is None else total + term
        if total is not None:
            total.backward()
        grads = [a.grad if isinstance(a, (torch.Tensor, bt.Tensor)) and a.requires_grad else None for a in args]
        results.append((outs, grads))
    (real, real_grads), (ours, our_grads) = results
    assert len(ours) == len(real)
    for o, r in zip(ours, real):
        assert_same(o, r)
        assert graph_signature(o.grad_fn) == graph_signature(r.grad_fn)
        if check_strides:
            assert tuple(o.stride()) == r.stride()
    for o, r in zip(our_grads, real_grads):
        assert (o is None) == (r is None)
        if r is not None:
            assert_same(o, r)


def floats(shape, data):
    return torch.tensor(
        data.draw(st.lists(FLOAT32, min_size=math.prod(shape), max_size=math.prod(shape))), dtype=torch.float32
    ).reshape(shape)


CASES = {
    "cat0": ([(2, 3), (1, 3)], lambda lib, a, b: lib.cat([a, b])),
    "cat1": ([(2, 3), (2, 1)], lambda lib, a, b: lib.cat((a, b), dim=-1)),
    "cat_out_of_three": ([(2, 3), (2, 2), (2, 1)], lambda lib, a, b, c: lib.cat([a, b, c], 1)),
    "concat": ([(2,), (3,)], lambda lib, a, b: lib.concat([a, b])),
    "concatenate_axis": ([(2, 2), (2, 1)], lambda lib, a, b: lib.concatenate([a, b], axis=1)),
    "cat_legacy_empty": ([(2, 3), (0,)], lambda lib, a, b: lib.cat([a, b, a], 0)),
    "stack": ([(2, 3), (2, 3)], lambda lib, a, b: lib.stack([a, b])),
    "stack_last": ([(2, 3), (2, 3)], lambda lib, a, b: lib.stack([a, b], -1)),
    "hstack": ([(2, 3), (2, 1)], lambda lib, a, b: lib.hstack([a, b])),
    "hstack_1d": ([(2,), (3,)], lambda lib, a, b: lib.hstack([a, b])),
    "vstack_1d": ([(3,), (3,)], lambda lib, a, b: lib.vstack([a, b])),
    "vstack": ([(1, 3), (2, 3)], lambda lib, a, b: lib.vstack((a, b))),
    "dstack": ([(2, 3), (2, 3)], lambda lib, a, b: lib.dstack([a, b])),
    "dstack_1d": ([(3,), (3,)], lambda lib, a, b: lib.dstack([a, b])),
    "column_stack": ([(3,), (3, 2), ()], lambda lib, a, b, c: lib.column_stack([a, b, c.expand(3)])),
    "chunk": ([(5, 2)], lambda lib, a: lib.chunk(a, 3)),
    "chunk_dim": ([(2, 5)], lambda lib, a: a.chunk(2, dim=1)),
    "split": ([(5, 2)], lambda lib, a: lib.split(a, 2)),
    "split_sizes": ([(6, 2)], lambda lib, a: a.split([1, 0, 5])),  # (Tensor.tolist of shape (2, 0) fails)
    "split_with_sizes": ([(6,)], lambda lib, a: a.split_with_sizes([4, 2])),
    "tensor_split_sections": ([(7, 2)], lambda lib, a: lib.tensor_split(a, 3)),
    "tensor_split_indices": ([(7, 2)], lambda lib, a: a.tensor_split([1, 4, 9], dim=0)),
    "unbind": ([(3, 2)], lambda lib, a: a.unbind(1)),
    "movedim": ([(2, 3, 4)], lambda lib, a: lib.movedim(a, 0, -1)),
    "movedim_seq": ([(2, 3, 4)], lambda lib, a: a.movedim((0, 1), (2, 0))),
    "moveaxis": ([(2, 3, 4)], lambda lib, a: lib.moveaxis(a, -1, 0)),
    "swapaxes": ([(2, 3, 4)], lambda lib, a: lib.swapaxes(a, 0, 2)),
    "swapdims": ([(2, 3)], lambda lib, a: a.swapdims(0, 1)),
    "flip": ([(2, 3, 4)], lambda lib, a: lib.flip(a, (0, 2))),
    "flip_none": ([(2, 3)], lambda lib, a: a.flip([])),
    "flip_0d": ([()], lambda lib, a: a.flip(0)),
    "fliplr": ([(2, 3)], lambda lib, a: lib.fliplr(a)),
    "flipud": ([(2, 3)], lambda lib, a: a.flipud()),
    "roll": ([(3, 4)], lambda lib, a: lib.roll(a, 1, 0)),
    "roll_flat": ([(3, 4)], lambda lib, a: a.roll(-5)),
    "roll_dims": ([(3, 4)], lambda lib, a: lib.roll(a, (2, -7), (1, 0))),
    "rot90": ([(3, 4)], lambda lib, a: lib.rot90(a)),
    "rot90_k2": ([(2, 3, 4)], lambda lib, a: a.rot90(2, [1, 2])),
    "rot90_k3": ([(2, 3, 4)], lambda lib, a: lib.rot90(a, -1, (2, 0))),
    "rot90_k0": ([(3, 4)], lambda lib, a: lib.rot90(a, 4)),
    "repeat": ([(2, 3)], lambda lib, a: a.repeat(2, 1)),
    "repeat_lead": ([(3,)], lambda lib, a: a.repeat(2, 2)),
    "repeat_varargs_tuple": ([(2, 1)], lambda lib, a: a.repeat((1, 2))),
    "repeat_zero": ([(2,)], lambda lib, a: a.repeat(0)),
    "tile": ([(2, 3)], lambda lib, a: lib.tile(a, (2,))),
    "tile_more": ([(2,)], lambda lib, a: a.tile((2, 1, 2))),
    "repeat_interleave": ([(2, 3)], lambda lib, a: lib.repeat_interleave(a, 2)),
    "repeat_interleave_dim": ([(3, 2)], lambda lib, a: a.repeat_interleave(2, dim=0)),
    "repeat_interleave_inner": ([(2, 3)], lambda lib, a: a.repeat_interleave(2, dim=1)),
    "repeat_interleave_tensor": ([(3, 2)], lambda lib, a: a.repeat_interleave(lib.tensor([1, 0, 2]), dim=0)),
    "repeat_interleave_tensor1": ([(3,)], lambda lib, a: lib.repeat_interleave(a, lib.tensor([2]))),
    "broadcast_to": ([(3, 1)], lambda lib, a: lib.broadcast_to(a, (2, 3, 2))),
    "broadcast_to_method": ([(3,)], lambda lib, a: a.broadcast_to((2, 3))),
    "broadcast_tensors": ([(3, 1), (2,)], lambda lib, a, b: lib.broadcast_tensors(a, b)),
    "broadcast_tensors_same": ([(3,), (3,)], lambda lib, a, b: lib.broadcast_tensors(a, b)),
    "meshgrid_ij": ([(3,), (2,)], lambda lib, a, b: lib.meshgrid(a, b, indexing="ij")),
    "meshgrid_xy": ([(3,), (2,), (4,)], lambda lib, a, b, c: lib.meshgrid([a, b, c], indexing="xy")),
    "meshgrid_0d": ([(), (2,)], lambda lib, a, b: lib.meshgrid(a, b, indexing="xy")),
    "tril": ([(3, 4)], lambda lib, a: lib.tril(a)),
    "tril_k": ([(2, 3, 4)], lambda lib, a: a.tril(diagonal=-1)),
    "triu": ([(4, 3)], lambda lib, a: lib.triu(a, 1)),
    "triu_neg": ([(4, 3)], lambda lib, a: a.triu(-2)),
    "tril_": ([(3, 3)], lambda lib, a: (a * 1).tril_(1)),
    "triu_": ([(3, 3)], lambda lib, a: (a * 1).triu_()),
    "diag_matrix": ([(3, 4)], lambda lib, a: lib.diag(a)),
    "diag_matrix_offset": ([(3, 4)], lambda lib, a: a.diag(2)),
    "diag_matrix_neg": ([(3, 4)], lambda lib, a: lib.diag(a, -1)),
    "diag_vector": ([(3,)], lambda lib, a: lib.diag(a)),
    "diag_vector_offset": ([(3,)], lambda lib, a: lib.diag(a, -2)),
    "diagonal": ([(3, 4)], lambda lib, a: lib.diagonal(a)),
    "diagonal_dims": ([(2, 3, 4)], lambda lib, a: a.diagonal(1, 2, 0)),
    "diagonal_empty": ([(2, 3)], lambda lib, a: a.diagonal(5)),
    "diag_embed": ([(2, 3)], lambda lib, a: lib.diag_embed(a)),
    "diag_embed_dims": ([(2, 3)], lambda lib, a: lib.diag_embed(a, -1, 0, 2)),
    "unfold": ([(3, 7)], lambda lib, a: a.unfold(1, 3, 2)),
    "unfold_overlap": ([(6,)], lambda lib, a: a.unfold(0, 4, 1)),
    "atleast_1d": ([()], lambda lib, a: lib.atleast_1d(a)),
    "atleast_2d": ([(3,)], lambda lib, a: lib.atleast_2d(a)),
    "atleast_2d_0d": ([()], lambda lib, a: lib.atleast_2d(a)),
    "atleast_3d": ([(3,)], lambda lib, a: lib.atleast_3d(a)),
    "atleast_3d_2d": ([(2, 3)], lambda lib, a: lib.atleast_3d(a)),
    "atleast_3d_many": ([(), (2, 3)], lambda lib, a, b: lib.atleast_3d(a, b)),
    "atleast_1d_list": ([(2,), ()], lambda lib, a, b: lib.atleast_1d([a, b])),
    "ravel": ([(2, 3)], lambda lib, a: lib.ravel(a)),
    "ravel_t": ([(2, 3)], lambda lib, a: a.t().ravel()),
    "unflatten": ([(2, 6)], lambda lib, a: lib.unflatten(a, 1, (3, -1))),
    "unflatten_method": ([(6,)], lambda lib, a: a.unflatten(0, (2, 3))),
    "squeeze_dims": ([(1, 3, 1)], lambda lib, a: a.squeeze((0, 2))),
}


@pytest.mark.parametrize("name", CASES)
@settings(max_examples=6)
@given(data=st.data())
def test_shape_ops_match_pytorch(bt, name, data):
    shapes, fn = CASES[name]
    inputs = [floats(shape, data) for shape in shapes]
    compare(bt, fn, *inputs, check_strides=True)


def test_cat_promotes_types_and_grads_come_back_in_each_dtype(bt):
    def fn(lib, a, b):
        return lib.cat([a, b.double(), lib.tensor([[1, 2]]), lib.tensor([[True, False]])])

    compare(bt, fn, torch.randn(2, 2), torch.randn(1, 2))
    for lib in (torch, bt):
        assert str(lib.cat([lib.tensor([1, 2]), lib.tensor([True])]).dtype).endswith("int64")
        assert tuple(lib.cat([lib.zeros(0), lib.zeros(0)]).shape) == (0,)


def test_stack_and_cat_out(bt):
    for lib in (torch, bt):
        out = lib.zeros(4)
        lib.cat([lib.ones(2), lib.zeros(2)], out=out)
        assert out.tolist() == [1, 1, 0, 0]
        out = lib.zeros(2, 2)
        lib.stack([lib.ones(2), lib.zeros(2)], out=out)
        assert out.tolist() == [[1, 1], [0, 0]]


def test_split_parts_are_views(bt):
    x = bt.arange(6.0).reshape(3, 2)
    _, rest = x.split([1, 2])
    rest[0, 0] = 100.0
    assert x.tolist() == [[0, 1], [100, 3], [4, 5]]
    assert rest.stride() == (2, 1) and rest.storage_offset() == 2


def test_repeat_interleave_single_argument(bt):
    for lib in (torch, bt):
        assert lib.repeat_interleave(lib.tensor([2, 0, 1])).tolist() == [0, 0, 2]


def test_broadcast_shapes(bt):
    assert bt.broadcast_shapes((3, 1), (2,), 1) == torch.broadcast_shapes((3, 1), (2,), 1)
    assert isinstance(bt.broadcast_shapes((3, 1)), bt.Size)


def test_meshgrid_warns_without_indexing(bt):
    for lib in (torch, bt):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.meshgrid(lib.zeros(2), lib.zeros(3))
        assert [str(w.message).split(" (Triggered")[0] for w in caught] == [
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument."
        ]


def test_in_place_triangle_on_leaf_is_refused(bt):
    x = bt.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        x.tril_()


ERRORS = [
    lambda lib, x: lib.cat([]),
    lambda lib, x: lib.cat([x, lib.zeros(3)]),
    lambda lib, x: lib.cat([x, lib.zeros(2, 3)], 1),
    lambda lib, x: lib.cat([x, lib.zeros(2, 3)]),
    lambda lib, x: lib.cat([x, x], 2),
    lambda lib, x: lib.cat([lib.tensor(1.0)]),
    lambda lib, x: lib.stack([]),
    lambda lib, x: lib.stack([x, x[0]]),
    lambda lib, x: lib.stack([x, x], 3),
    lambda lib, x: lib.hstack([]),
    lambda lib, x: lib.chunk(x, 0),
    lambda lib, x: lib.chunk(lib.tensor(1.0), 1),
    lambda lib, x: lib.split(x, 0),
    lambda lib, x: lib.split(x, [1, 1]),
    lambda lib, x: lib.split(x, -1),
    lambda lib, x: lib.tensor_split(x, 0),
    lambda lib, x: lib.movedim(x, (0, 1), (0,)),
    lambda lib, x: lib.movedim(x, (0, 0), (0, 1)),
    lambda lib, x: lib.movedim(x, (0, 1), (1, 1)),
    lambda lib, x: lib.flip(x, (0, 0)),
    lambda lib, x: lib.fliplr(x[0]),
    lambda lib, x: lib.flipud(x[0, 0]),
    lambda lib, x: lib.roll(x, (1, 2), 0),
    lambda lib, x: lib.roll(x, 1, 2),
    lambda lib, x: lib.rot90(x, 1, (0,)),
    lambda lib, x: lib.rot90(x[0]),
    lambda lib, x: lib.rot90(x, 1, (0, 0)),
    lambda lib, x: x.repeat(2),
    lambda lib, x: x.repeat(-1, 1),
    lambda lib, x: lib.tril(x[0]),
    lambda lib, x: lib.triu(x[0]),
    lambda lib, x: lib.diag(lib.zeros(2, 2, 2)),
    lambda lib, x: lib.diagonal(x, 0, 0, 0),
    lambda lib, x: x.unfold(1, 5, 1),
    lambda lib, x: x.unfold(1, 2, 0),
    lambda lib, x: lib.unflatten(x, 1, (3, 2)),
    lambda lib, x: lib.unflatten(x, 1, ()),
    lambda lib, x: lib.broadcast_tensors(x, lib.zeros(2, 1, 3)),
    lambda lib, x: lib.meshgrid(x[0], x[1], indexing="ab"),
    lambda lib, x: lib.repeat_interleave(x, lib.tensor([1, 2]), dim=0),
    lambda lib, x: lib.repeat_interleave(x, -1),
    lambda lib, x: lib.repeat_interleave(x, lib.tensor([[1]])),
    lambda lib, x: lib.repeat_interleave(x, lib.tensor([-1, 1, 1]), dim=0),
    lambda lib, x: lib.swapaxes(x, 0, 2),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_pytorch(bt, case):
    fn = ERRORS[case]
    with pytest.raises(Exception) as real:
        fn(torch, torch.zeros(3, 4))
    with pytest.raises(Exception) as ours:
        fn(bt, bt.zeros(3, 4))
    assert type(ours.value) is type(real.value)
    assert str(ours.value) == str(real.value).split("\nException raised from")[0]
