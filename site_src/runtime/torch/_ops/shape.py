"""Shape ops that join, split, repeat, flip or rearrange tensors: cat and stack (and their hstack/vstack/dstack
forms), chunk and split, movedim, flip and roll, rot90, repeat and tile, repeat_interleave, broadcasting, meshgrid,
tril/triu, diag and diagonal, unfold, atleast_Nd, ravel, unflatten.

Where PyTorch builds an op out of other ops (hstack is cat of atleast_1d, meshgrid is view + expand) it is built the
same way here, so grad_fn chains match. Copies are made by picking elements: a new tensor whose element i holds the
input's element at a computed storage position (`_pick`), which never rounds, so forward values are exact.
"""

import itertools
import math
import warnings

from .. import _dtype
from .._size import Size
from .._tensor import Tensor
from .._unsupported import unsupported
from ..autograd.graph import record
from . import pointwise, reduction, views
from .registry import function, method, op


# ---- helpers ----------------------------------------------------------------------------------------------------
def wrap_dim(dim, rank):
    """A possibly negative dim checked against `rank` (0-dim tensors accept -1 and 0) and made non-negative."""
    rank = max(rank, 1)
    if not -rank <= dim < rank:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})")
    return dim % rank


def _dims_arg(dims):
    return (dims,) if isinstance(dims, int) else tuple(dims)


def offsets(maps, strides):
    """Storage offsets of the grid whose element (i0, i1, ...) sits at (maps[0][i0], maps[1][i1], ...)."""
    result = [0]
    for positions, stride in zip(maps, strides):
        result = [o + p * stride for o in result for p in positions]
    return result


def pick(input, maps):
    """A new contiguous tensor whose element (i0, i1, ...) is input's element (maps[0][i0], maps[1][i1], ...)."""
    storage, base = input._storage, input._offset
    values = [storage[base + o] for o in offsets(maps, input._stride)]
    return Tensor._from_values(values, tuple(len(m) for m in maps), input.dtype)


def _identity_maps(input):
    return [range(size) for size in input._shape]


def _cast(tensor, dtype):
    return tensor if tensor.dtype is dtype else pointwise.to_dtype(tensor, dtype)


# ---- joining ----------------------------------------------------------------------------------------------------
def _is_legacy_empty(t):
    """Shape [0] tensors are skipped by cat whatever the others' shapes (PyTorch's legacy behaviour)."""
    return t._shape == (0,)


@function(out=True, aliases=("concat", "concatenate"))
def cat(tensors, dim=0, *, axis=None):
    tensors = list(tensors)
    if axis is not None:
        dim = axis
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    dtype = _dtype.result_type(*tensors)
    kept = [(i, t) for i, t in enumerate(tensors) if not _is_legacy_empty(t)]
    if not kept:
        out = Tensor._from_values([], (0,), dtype)
    else:
        ref = kept[0][1]
        dim = wrap_dim(dim, ref.dim())
        for i, t in kept:
            if t.dim() != ref.dim():
                raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.dim()} and {t.dim()}")
            for d in range(ref.dim()):
                if d != dim and t._shape[d] != ref._shape[d]:
                    raise RuntimeError(
                        f"Sizes of tensors must match except in dimension {dim}. Expected size "
                        f"{ref._shape[d]} but got size {t._shape[d]} for tensor number {i} in the list."
                    )
        outer = math.prod(ref._shape[:dim])
        blocks = []
        for _, t in kept:
            values = t._values() if t.dtype is dtype else [dtype.cast(v) for v in t._values()]
            inner = math.prod(t._shape[dim:])
            blocks.append((values, inner))
        values = [v for o in range(outer) for block, inner in blocks for v in block[o * inner : (o + 1) * inner]]
        shape = ref._shape[:dim] + (sum(t._shape[dim] for _, t in kept),) + ref._shape[dim + 1 :]
        out = Tensor._from_values(values, shape, dtype)

    def backward(grad):
        grads, start = [], 0
        for t in tensors:
            if _is_legacy_empty(t):
                grads.append(pointwise.zeros_of((0,), t.dtype) if t.requires_grad else None)
                continue
            size = t._shape[dim]
            # A contiguous copy of the slice PyTorch returns (same values): reductions of it then add up in
            # PyTorch's order (the runtime's sums reproduce that order for contiguous tensors).
            part = pointwise.clone(views.narrow(grad, dim, start, size))
            grads.append(_cast(part, t.dtype) if t.requires_grad else None)
            start += size
        return tuple(grads)

    return record("CatBackward0", out, tuple(tensors), backward)


@function(out=True)
def stack(tensors, dim=0):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t._shape != tensors[0]._shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0]._shape)} at "
                f"entry 0 and {list(t._shape)} at entry {i}"
            )
    dim = wrap_dim(dim, tensors[0].dim() + 1)
    out = cat([views.unsqueeze(t.detach(), dim) for t in tensors], dim)
    return record(
        "StackBackward0",
        out,
        tuple(tensors),
        lambda grad: tuple(
            _cast(views.select(grad, dim, i), t.dtype) if t.requires_grad else None for i, t in enumerate(tensors)
        ),
    )


def _non_empty(tensors, name):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


@function(out=True)
def hstack(tensors):
    tensors = atleast_1d(_non_empty(tensors, "hstack"))
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


@function(out=True, aliases=("row_stack",))
def vstack(tensors):
    return cat(atleast_2d(_non_empty(tensors, "vstack")), 0)


@function(out=True)
def dstack(tensors):
    return cat(atleast_3d(_non_empty(tensors, "dstack")), 2)


@function(out=True)
def column_stack(tensors):
    tensors = _non_empty(tensors, "column_stack")
    return cat([views.reshape(t, (t.numel(), 1)) if t.dim() <= 1 else t for t in tensors], 1)


def _atleast(tensors, make):
    if len(tensors) == 1:
        tensors = tensors[0]
    if isinstance(tensors, Tensor):
        return make(tensors)
    return tuple(make(t) for t in tensors)


@function
def atleast_1d(*tensors):
    return _atleast(tensors, lambda t: views.reshape(t, (1,)) if t.dim() == 0 else t)


@function
def atleast_2d(*tensors):
    def make(t):
        if t.dim() == 0:
            return views.reshape(t, (1, 1))
        return views.unsqueeze(t, 0) if t.dim() == 1 else t

    return _atleast(tensors, make)


@function
def atleast_3d(*tensors):
    def make(t):
        if t.dim() == 0:
            return views.reshape(t, (1, 1, 1))
        if t.dim() == 1:
            return views.unsqueeze(views.unsqueeze(t, 0), -1)
        return views.unsqueeze(t, -1) if t.dim() == 2 else t

    return _atleast(tensors, make)


# ---- splitting (views of the input) -----------------------------------------------------------------------------
def _part(input, dim, start, length, name):
    """input[start:start + length] along dim as a view, recorded as `name` (one node per part: the runtime's nodes
    have one output, where PyTorch shares one SplitBackward0 between the parts)."""
    shape = input._shape[:dim] + (length,) + input._shape[dim + 1 :]
    out = input._alias(shape, input._stride, input._offset + start * input._stride[dim] if length else input._offset)

    def backward(grad):
        full = pointwise.zeros_of(input._shape, grad.dtype)
        views.narrow(full.detach(), dim, start, length)._write(grad._values())
        return (full,)

    return record(name, out, (input,), backward)


@op
def split(tensor, split_size_or_sections, dim=0):
    if not isinstance(split_size_or_sections, int):
        return split_with_sizes(tensor, list(split_size_or_sections), dim)
    dim = wrap_dim(dim, tensor.dim())
    size, step = tensor._shape[dim], split_size_or_sections
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0 and size != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    starts = range(0, size, step) if step else [0]
    return tuple(_part(tensor, dim, s, min(step, size - s), "SplitBackward0") for s in starts)


@op
def split_with_sizes(input, split_sizes, dim=0):
    dim = wrap_dim(dim, input.dim())
    size = input._shape[dim]
    if sum(split_sizes) != size:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
            f"dimension {dim}), but got split_sizes={list(split_sizes)}"
        )
    parts, start = [], 0
    for length in split_sizes:
        parts.append(_part(input, dim, start, length, "SplitWithSizesBackward0"))
        start += length
    return tuple(parts)


@op
def chunk(input, chunks, dim=0):
    if input.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    size = input._shape[wrap_dim(dim, input.dim())]
    return split(input, -(-size // chunks), dim)


@op
def tensor_split(input, indices_or_sections, dim=0):
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    if isinstance(indices_or_sections, Tensor):
        value = indices_or_sections.tolist()
        indices_or_sections = value if indices_or_sections.dim() else int(value)
    dim = wrap_dim(dim, input.dim())
    size = input._shape[dim]
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        bounds, start = [], 0
        for i in range(n):
            length = size // n + (1 if i < size % n else 0)
            bounds.append((start, start + length))
            start += length
    else:
        cuts = [0, *indices_or_sections, size]
        bounds = list(itertools.pairwise(cuts))
    return tuple(views._slice(input, dim, start, stop, 1) for start, stop in bounds)


# ---- rearranging ------------------------------------------------------------------------------------------------
@op(aliases=("moveaxis",))
def movedim(input, source, destination):
    source, destination = _dims_arg(source), _dims_arg(destination)
    if len(source) != len(destination):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(source)} dims) should "
            f"contain the same number of dims as destination ({list(destination)} dims)"
        )
    rank = input.dim()
    src = [wrap_dim(d, rank) for d in source]
    dst = [wrap_dim(d, rank) for d in destination]
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    order = [None] * rank
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(rank) if d not in src)
    order = [d if d is not None else next(rest) for d in order]
    return views.permute(input, order)


@op(aliases=("swapdims",))
def swapaxes(input, axis0, axis1):
    return views.transpose(input, axis0, axis1)


def _flip_maps(input, dims):
    return [range(size - 1, -1, -1) if d in dims else range(size) for d, size in enumerate(input._shape)]


@op
def flip(input, dims):
    dims = [wrap_dim(d, input.dim()) for d in _dims_arg(dims)]
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    out = pick(input, _flip_maps(input, dims))
    return record("FlipBackward0", out, (input,), lambda grad: (flip(grad, dims),))


@op
def fliplr(input):
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, [1])


@op
def flipud(input):
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, [0])


@op
def roll(input, shifts, dims=None):
    shifts, dims = _dims_arg(shifts), _dims_arg(dims) if dims is not None else None
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        flat = views.reshape(input.detach(), (input.numel(),))
        out = views.reshape(roll(flat, shifts, 0), input._shape)
        return record("RollBackward0", out, (input,), lambda grad: (roll(grad, [-s for s in shifts]),))
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    dims = [wrap_dim(d, input.dim()) for d in dims]
    maps = _identity_maps(input)
    for shift, d in zip(shifts, dims):
        size = len(maps[d])
        if size:
            maps[d] = [maps[d][(i - shift) % size] for i in range(size)]
    out = pick(input, maps)
    return record("RollBackward0", out, (input,), lambda grad: (roll(grad, [-s for s in shifts], dims),))


@op
def rot90(input, k=1, dims=(0, 1)):
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = wrap_dim(dims[0], input.dim()), wrap_dim(dims[1], input.dim())
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    source = input.detach()
    k %= 4
    if k == 0:
        out = pointwise.clone(source)
    elif k == 2:
        out = flip(source, [d0, d1])
    else:  # a transposed view of the flipped copy, as ATen returns it (non-contiguous)
        out = views.transpose(flip(source, [d1 if k == 1 else d0]), d0, d1)
    return record("Rot90Backward0", out, (input,), lambda grad: (rot90(grad, -k, [d0, d1]),))


# ---- repeating --------------------------------------------------------------------------------------------------
@method
def repeat(input, *sizes):
    repeats = views._shape_arg(sizes)
    if len(repeats) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    lead = len(repeats) - input.dim()
    padded = (1,) * lead + input._shape
    shape = tuple(r * s for r, s in zip(repeats, padded))
    for size in shape:
        if size < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {size}: {list(shape)}")
    base = input.detach()._alias(padded, (0,) * lead + input._stride, input._offset)
    out = pick(base, [[i % s for i in range(n)] if s else [] for s, n in zip(padded, shape)])

    def backward(grad):  # FunctionsManual's repeat_backward: one reshape, one sum over the repeat dims
        if 0 in repeats:
            return (pointwise.zeros_of(input._shape, grad.dtype),)
        for _ in range(lead):
            grad = reduction.sum(grad, 0)
        sizes, sum_dims = [], []
        for r, s in zip(repeats[lead:], input._shape):
            if r != 1:
                sizes.append(r)
                sum_dims.append(len(sizes) - 1)
            sizes.append(s)
        if sum_dims:
            grad = reduction.sum(views.reshape(grad, sizes), sum_dims)
        return (grad,)

    return record("RepeatBackward0", out, (input,), backward)


@op
def tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input.dim():
        dims = (1,) * (input.dim() - len(dims)) + dims
    return repeat(input, dims)


@op
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # repeat_interleave(repeats): each index i repeated repeats[i] times
        counts = input
        if counts.dim() > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if any(c < 0 for c in counts.tolist()):
            raise RuntimeError("repeats can not be negative")
        return Tensor._from_values(
            [i for i, c in enumerate(counts._values()) for _ in range(c)], (sum(counts._values()),), _dtype.int64
        )
    if dim is None:
        input, dim = views.flatten(input), 0
    dim = wrap_dim(dim, input.dim())
    if isinstance(repeats, Tensor):
        if repeats.dim() == 0 or (repeats.dim() == 1 and repeats._shape[0] == 1):
            repeats = views.expand(views.reshape(repeats, (1,)), (input._shape[dim],))
        elif repeats.dim() == 1:
            if repeats._shape[0] != input._shape[dim]:
                raise RuntimeError(
                    "repeats must have the same size as input along dim, but got repeats.size(0) = "
                    f"{repeats._shape[0]} and input.size({dim}) = {input._shape[dim]}"
                )
        else:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        from .indexing import index_select

        return index_select(input, dim, repeat_interleave(repeats))
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    expanded_shape = input._shape[: dim + 1] + (repeats,) + input._shape[dim + 1 :]
    copy = pointwise.clone(views.expand(views.unsqueeze(input, dim + 1), expanded_shape))
    return views.flatten(copy, dim, dim + 1)


# ---- broadcasting -----------------------------------------------------------------------------------------------
@op
def broadcast_to(input, size):
    return views.expand(input, tuple(size))


@function
def broadcast_shapes(*shapes):
    """torch._refs._broadcast_shapes, with its own error message (not the one tensor ops give)."""
    shapes = [(s,) if isinstance(s, int) else s for s in shapes]
    common = [1] * max((len(s) for s in shapes), default=0)
    for arg, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] == common[i]:
                continue
            if common[i] == 1:
                if shape[i] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[i] = shape[i]
            if shape[i] != 1 and common[i] != shape[i]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[i]} at {i}! Mismatching "
                    f"argument at index {arg} had {shape}; but expected shape should be broadcastable "
                    f"to {common}"
                )
    return Size(common)


@function
def broadcast_tensors(*tensors):
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    shape = pointwise.broadcast_shapes(*(t._shape for t in tensors))
    return tuple(t if t._shape == shape else views.expand(t, shape) for t in tensors)


@function
def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("xy", "ij"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.dim() > 1:
            raise unsupported("torch.meshgrid of tensors with more than one dimension (an error in PyTorch)")
    tensors = list(tensors)
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t.numel() for t in tensors)
    grids = [
        views.expand(views.view(t, tuple(-1 if j == i else 1 for j in range(len(tensors)))), shape)
        for i, t in enumerate(tensors)
    ]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


# ---- triangles and diagonals ------------------------------------------------------------------------------------
def _triangle(input, diagonal, keep, name):
    if input.dim() < 2:
        raise RuntimeError(f"{name.lower()}: input tensor must have at least 2 dimensions")
    rows, cols = input._shape[-2:]
    zero = input.dtype.cast(0)
    values = input._values()
    kept = [keep(c - r) for r in range(rows) for c in range(cols)]
    block = rows * cols
    out = Tensor._from_values([v if kept[i % block] else zero for i, v in enumerate(values)], input._shape, input.dtype)
    return out


@op(in_place=True, out=True)
def tril(input, diagonal=0):
    out = _triangle(input, diagonal, lambda d: d <= diagonal, "Tril")
    return record("TrilBackward0", out, (input,), lambda grad: (tril(grad, diagonal),))


@op(in_place=True, out=True)
def triu(input, diagonal=0):
    out = _triangle(input, diagonal, lambda d: d >= diagonal, "Triu")
    return record("TriuBackward0", out, (input,), lambda grad: (triu(grad, diagonal),))


def _diagonal_view(input, offset, dim1, dim2):
    rank = input.dim()
    dim1, dim2 = wrap_dim(dim1, rank), wrap_dim(dim2, rank)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    size1, size2 = input._shape[dim1], input._shape[dim2]
    if offset >= 0:
        length, start = max(min(size1, size2 - offset), 0), offset * input._stride[dim2]
    else:
        length, start = max(min(size1 + offset, size2), 0), -offset * input._stride[dim1]
    kept = [d for d in range(rank) if d not in (dim1, dim2)]
    return input._alias(
        [input._shape[d] for d in kept] + [length],
        [input._stride[d] for d in kept] + [input._stride[dim1] + input._stride[dim2]],
        input._offset + (start if length else 0),
    )


@op
def diagonal(input, offset=0, dim1=0, dim2=1):
    out = _diagonal_view(input, offset, dim1, dim2)

    def backward(grad):
        full = pointwise.zeros_of(input._shape, grad.dtype)
        _diagonal_view(full, offset, dim1, dim2)._write(grad._values())
        return (full,)

    return record("DiagonalBackward0", out, (input,), backward)


@op
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    rank = input.dim() + 1
    d1, d2 = wrap_dim(dim1, rank), wrap_dim(dim2, rank)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input._shape[-1] + abs(offset) if input.dim() else 1 + abs(offset)
    batch = iter(input._shape[:-1])
    shape = tuple(n if d in (d1, d2) else next(batch) for d in range(rank))
    out = pointwise.zeros_of(shape, input.dtype)
    _diagonal_view(out, offset, d1, d2)._write(input._values())
    return record(
        "DiagEmbedBackward0", out, (input,), lambda grad: (pointwise.clone(_diagonal_view(grad, offset, d1, d2)),)
    )


@op
def diag(input, diagonal=0):
    if input.dim() == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.dim() != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")
    out = pointwise.clone(_diagonal_view(input.detach(), diagonal, 0, 1))

    def backward(grad):
        full = pointwise.zeros_of(input._shape, grad.dtype)
        _diagonal_view(full, diagonal, 0, 1)._write(grad._values())
        return (full,)

    return record("DiagonalBackward0_copy", out, (input,), backward)  # PyTorch's name for diagonal_copy's node


@method
def unfold(input, dimension, size, step):
    dim = wrap_dim(dimension, input.dim())
    length = input._shape[dim] if input.dim() else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if input.dim() == 0:
        out = input._alias((size,), (1,), input._offset)
    else:
        windows = (length - size) // step + 1
        stride = input._stride[dim]
        out = input._alias(
            input._shape[:dim] + (windows,) + input._shape[dim + 1 :] + (size,),
            input._stride[:dim] + (stride * step,) + input._stride[dim + 1 :] + (stride,),
            input._offset,
        )

    def backward(grad):
        # Each input element sums the windows holding it, in window order (ATen's unfold_backward kernel).
        full = pointwise.zeros_of(input._shape, grad.dtype)
        target = full._alias(out._shape, out._stride, 0)
        storage = full._storage
        for position, value in zip(target._positions(), grad._values()):
            storage[position] += value
        return (full,)

    return record("UnfoldBackward0", out, (input,), backward)


# ---- flattening -------------------------------------------------------------------------------------------------
@op
def ravel(input):
    return views.view(pointwise.contiguous(input), (-1,))


@op
def unflatten(input, dim, sizes):
    dim = wrap_dim(dim, input.dim())
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be inferred")
    size = input._shape[dim]
    if -1 not in sizes and math.prod(sizes) != size:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({size}) in the input tensor"
        )
    return views.view(input, input._shape[:dim] + sizes + input._shape[dim + 1 :])
