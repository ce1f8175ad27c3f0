"""Reductions: sum, mean, max, min, argmax, argmin, all, any, and sum_to (the gradient of broadcasting)."""

import builtins
import math
import operator
from array import array
from collections import namedtuple

from .. import _dtype
from .._tensor import Tensor
from ..autograd.graph import record
from . import pointwise, views
from .registry import op

# Floats per SIMD vector in PyTorch's CPU sum kernel: the order in which float32 sums add up depends on it.
# 8 (AVX2 width) reproduces PyTorch 2.13 bit for bit, also on the AVX512 machine that builds the site.
_VECTOR_WIDTH = 8


# ---- PyTorch's float32 summation order --------------------------------------------------------------------------
def _add_vectors(acc, vector):
    return array(acc.typecode, map(operator.add, acc, vector))  # rounds each lane to the accumulator's precision


def _multi_row_sum(load, nrows, size, zero):
    """ATen's multi_row_sum: nrows running sums over `size` steps, cascaded through 4 levels so that only sums
    of similar magnitude meet. load(i, k) is row k's value at step i."""
    levels = 4
    ceil_log2 = (size - 1).bit_length() if size > 2 else 1
    level_power = builtins.max(4, ceil_log2 // levels)
    level_step = 1 << level_power
    acc = [[zero] * nrows for _ in range(levels)]
    i = 0
    while i + level_step <= size:
        for _ in range(level_step):
            acc[0] = [_add_vectors(a, load(i, k)) for k, a in enumerate(acc[0])]
            i += 1
        for j in range(1, levels):
            acc[j] = [_add_vectors(a, b) for a, b in zip(acc[j], acc[j - 1])]
            acc[j - 1] = [zero] * nrows
            if i & ((level_step - 1) << (j * level_power)):
                break
    for i in range(i, size):
        acc[0] = [_add_vectors(a, load(i, k)) for k, a in enumerate(acc[0])]
    for j in range(1, levels):
        acc[0] = [_add_vectors(a, b) for a, b in zip(acc[0], acc[j])]
    return acc[0]


def _row_sum(items, zero):
    """ATen's row_sum: the items (vectors or 1-lane scalars) split over 4 interleaved running sums (its ILP),
    the leftovers added to the first, then the 4 added together."""
    size_ilp = len(items) // 4
    partial = _multi_row_sum(lambda i, k: items[i * 4 + k], 4, size_ilp, zero)
    for item in items[size_ilp * 4:]:
        partial[0] = _add_vectors(partial[0], item)
    for k in range(1, 4):
        partial[0] = _add_vectors(partial[0], partial[k])
    return partial[0]


def _scalars(values, typecode):
    return [array(typecode, (v,)) for v in values]


def _inner_sum(row, typecode):
    """One contiguous row, summed as ATen's vectorized_inner_sum (rows of a vector or more) or scalar_inner_sum."""
    width = _VECTOR_WIDTH if typecode == "f" else _VECTOR_WIDTH // 2
    zero1 = array(typecode, (0,))
    if len(row) < width:
        return _row_sum(_scalars(row, typecode), zero1)[0]
    vectors = len(row) // width
    lanes = _row_sum([row[i * width:(i + 1) * width] for i in range(vectors)], array(typecode, (0,) * width))
    total = zero1
    for value in row[vectors * width:]:
        total[0] += value
    for lane in lanes:
        total[0] += lane
    return total[0]


def _outer_sums(values, rows, columns, typecode):
    """Column sums of a contiguous (rows, columns) block, as ATen's vectorized_outer_sum / scalar_outer_sum add
    them: columns in the leading full blocks get a plain cascaded sum, the rest row_sum's interleaved one."""
    width = _VECTOR_WIDTH if typecode == "f" else _VECTOR_WIDTH // 2
    block = 4 * width if columns >= width else 4
    cascaded = columns // block * block
    zero1 = array(typecode, (0,))
    sums = []
    for j in range(columns):
        column = _scalars(values[j::columns], typecode)
        if j < cascaded:
            sums.append(_multi_row_sum(lambda i, k: column[i], 1, rows, zero1)[0][0])
        else:
            sums.append(_row_sum(column, zero1)[0])
    return sums


def _float_sums(input, dims):
    """Sums of a float tensor over dims, in PyTorch's order where the layout lets us know it (the reduced dims
    innermost or outermost in a contiguous tensor), else accumulated in a double and rounded once."""
    kept = [d for d in range(input.dim()) if d not in dims]
    row = math.prod(input._shape[d] for d in dims)
    columns = math.prod(input._shape[d] for d in kept)
    values, typecode = input._values(), input.dtype.typecode
    if input.is_contiguous() and (columns == 1 or kept == list(range(len(kept)))):
        return [_inner_sum(values[i:i + row], typecode) for i in range(0, len(values), row)]
    if input.is_contiguous() and kept == list(range(len(dims), input.dim())):
        return _outer_sums(values, row, columns, typecode)
    values, row = _rows(input, dims)
    return [math.fsum(values[i:i + row]) for i in range(0, len(values), row)]


# ---- reducing over dims -----------------------------------------------------------------------------------------
def _reduced_dims(input, dim):
    if dim is None or dim == () or dim == []:
        return tuple(range(input.dim()))
    dims = {input._dim(d) for d in ((dim,) if isinstance(dim, int) else dim)}
    return tuple(sorted(dims)) if input.dim() else ()  # a 0-dim tensor accepts dim 0 or -1 and stays as it is


def _rows(input, dims):
    """input's values arranged so each reduced group is one consecutive row; returns (values, row length)."""
    kept = [d for d in range(input.dim()) if d not in dims]
    arranged = input if kept == list(range(len(kept))) else views.permute(input.detach(), kept + list(dims))
    row = math.prod(input._shape[d] for d in dims)
    return arranged._values(), row


def _result_shape(input, dims, keepdim):
    return tuple(1 if d in dims else size for d, size in enumerate(input._shape)
                 if keepdim or d not in dims)


def _unreduce(grad, input, dims, keepdim):
    """grad of a reduction brought back to input's shape: the reduced dims reinserted and expanded."""
    if not keepdim:
        for d in dims:
            grad = views.unsqueeze(grad, d)
    return views.expand(grad, input._shape)


@op
def sum(input, dim=None, keepdim=False, *, dtype=None):
    dims = _reduced_dims(input, dim)
    out_dtype = dtype or (input.dtype if input.dtype.is_floating_point else _dtype.int64)
    source = input.detach() if out_dtype is input.dtype else input.detach().to(out_dtype)
    if source.numel() == 0:
        sums = [0] * math.prod(_result_shape(input, dims, False))
    elif out_dtype.is_floating_point:
        sums = _float_sums(source, dims)
    else:
        values, row = _rows(source, dims)
        sums = [builtins.sum(values[i:i + row]) for i in range(0, len(values), row)]
    out = Tensor._from_values(sums, _result_shape(input, dims, keepdim), out_dtype)
    if dim is None:
        return record("SumBackward0", out, (input,), lambda grad: (views.expand(grad, input._shape),))
    return record("SumBackward1", out, (input,), lambda grad: (_unreduce(grad, input, dims, keepdim),))


@op
def mean(input, dim=None, keepdim=False, *, dtype=None):
    if not (dtype or input.dtype).is_floating_point:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {input.dtype.name.capitalize()}")
    dims = _reduced_dims(input, dim)
    count = math.prod(input._shape[d] for d in dims)
    with_sum = sum(input.detach(), dims if dim is not None else None, keepdim, dtype=dtype)
    out = pointwise.div(with_sum, count)  # ATen: sum, then divide by the element count
    if dim is None:
        return record("MeanBackward0", out, (input,),
                      lambda grad: (pointwise.div(views.expand(grad, input._shape), count),))
    return record("MeanBackward1", out, (input,),
                  lambda grad: (pointwise.div(_unreduce(grad, input, dims, keepdim), count),))


def sum_to(grad, shape):
    """Sum grad over the dims that broadcasting expanded from `shape` (ATen's sum_to_size)."""
    shape = tuple(shape)
    if grad._shape == shape:
        return grad
    lead = grad.dim() - len(shape)
    dims = tuple(range(lead)) + tuple(lead + d for d, size in enumerate(shape)
                                      if size == 1 and grad._shape[lead + d] != 1)
    return views.reshape(sum(grad, dims, keepdim=True), shape) if dims else views.reshape(grad, shape)


# ---- max, min and their positions -------------------------------------------------------------------------------
def _return_type(name):
    cls = namedtuple(name, ["values", "indices"])
    cls.__module__ = "torch.return_types"
    cls.__repr__ = lambda self: f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"
    return cls


_max_result, _min_result = _return_type("max"), _return_type("min")


def _best_index(row, better):
    """Index of the first best element (NaN counts as best, as in PyTorch)."""
    best_at = 0
    for i in range(1, len(row)):
        if row[best_at] != row[best_at]:
            break
        if row[i] != row[i] or better(row[i], row[best_at]):
            best_at = i
    return best_at


def _extreme(input, dim, keepdim, better, name, result_type):
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        values = input._values()
        out = Tensor._from_values([values[_best_index(values, better)]], (), input.dtype)

        def evenly_distribute(grad):  # ties share the gradient equally, as PyTorch's MaxBackward1 does
            mask = pointwise.eq(input, out)
            return (pointwise.mul(mask, pointwise.div(grad, sum(mask))),)

        return record(f"{name.capitalize()}Backward1", out, (input,), evenly_distribute, saved=(input, out))
    dims = _reduced_dims(input, dim)
    if not dims:  # a 0-dim tensor is its own max, at index 0
        out = Tensor._from_values(input._values(), (), input.dtype)
        record(f"{name.capitalize()}Backward0", out, (input,), lambda grad: (grad,))
        return result_type(out, Tensor._from_values([0], (), _dtype.int64))
    values, row = _rows(input, dims)
    positions = [_best_index(values[i:i + row], better) for i in range(0, len(values), row)]
    shape = _result_shape(input, dims, keepdim)
    out = Tensor._from_values([values[i * row + p] for i, p in enumerate(positions)], shape, input.dtype)
    indices = Tensor._from_values(positions, shape, _dtype.int64)

    record(f"{name.capitalize()}Backward0", out, (input,),
           lambda grad: (_scatter(input, dims[0], positions, grad),))
    return result_type(out, indices)


def _scatter(input, dim, positions, grad):
    """A zero tensor of input's shape with grad's values placed at `positions` along dim."""
    full = pointwise.zeros_of(input._shape, grad.dtype)
    moved = views.permute(full, [d for d in range(input.dim()) if d != dim] + [dim])
    slots = moved._positions()
    row = input._shape[dim]
    for i, (g, p) in enumerate(zip(grad._values(), positions)):
        full._storage[slots[i * row + p]] = g
    return full


@op
def max(input, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        return pointwise.maximum(input, dim)
    return _extreme(input, dim, keepdim, operator.gt, "max", _max_result)


@op
def min(input, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        return pointwise.minimum(input, dim)
    return _extreme(input, dim, keepdim, operator.lt, "min", _min_result)


def _arg_extreme(input, dim, keepdim, better):
    if dim is None:
        values = input._values()
        return Tensor._from_values([_best_index(values, better)], (1,) * input.dim() if keepdim else (), _dtype.int64)
    values, row = _rows(input, (input._dim(dim),))
    positions = [_best_index(values[i:i + row], better) for i in range(0, len(values), row)]
    return Tensor._from_values(positions, _result_shape(input, (input._dim(dim),), keepdim), _dtype.int64)


@op
def argmax(input, dim=None, keepdim=False):
    return _arg_extreme(input, dim, keepdim, operator.gt)


@op
def argmin(input, dim=None, keepdim=False):
    return _arg_extreme(input, dim, keepdim, operator.lt)


@op
def all(input, dim=None):
    if dim is None:
        return Tensor._from_values([builtins.all(input._values())], (), _dtype.bool)
    return pointwise.logical_not(any(pointwise.logical_not(input), dim))


@op
def any(input, dim=None):
    if dim is None:
        return Tensor._from_values([builtins.any(input._values())], (), _dtype.bool)
    return pointwise.ne(sum(pointwise.ne(input, 0), dim), 0)
