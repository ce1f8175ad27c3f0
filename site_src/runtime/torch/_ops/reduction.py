"""Reductions: sum, mean, max, min, argmax, argmin, all, any, sum_to (the gradient of broadcasting), var/std,
prod, norms, logsumexp, amax/amin, nansum/nanmean, count_nonzero, and the cumulative cumsum, cumprod, cummax, cummin.

Each reproduces the order in which ATen's CPU kernel accumulates (named at each op), so float32 results match
PyTorch bit for bit where the kernel is deterministic.
"""

import builtins
import math
import operator
from array import array
from collections import namedtuple

from .. import _dtype, _kernels
from .._kernels.reference import VECTOR_WIDTH, f32, fma32
from .._tensor import Tensor
from ..autograd.graph import record
from . import pointwise, views
from .registry import op

# Floats per SIMD vector in PyTorch's CPU kernels (the cascade sum itself is _kernels' sum_rows and sum_columns).
_VECTOR_WIDTH = VECTOR_WIDTH


# ---- PyTorch's float32 summation order --------------------------------------------------------------------------
def _float_sums(input, dims):
    """Sums of a float tensor over dims (a list in row-major order of the kept dims), in the order ATen's
    cascade_sum adds them, for any layout: TensorIterator drops size-1 dims, puts the reduced dims innermost
    (smallest stride first) and the kept ones after (in the output's order), coalesces neighbours that are one
    run of memory, and runs one 2-D loop over the two innermost dims -- rows summed as vectorized_inner_sum or
    row_sum, or columns as the outer sums -- adding each result into the float32 output, for every position of
    the outer dims (the first one fastest). Serial, as ATen runs it below its grain size (32768 elements)."""
    shape, strides = input._shape, input._stride
    typecode = input.dtype.typecode
    width = _VECTOR_WIDTH if typecode == "f" else _VECTOR_WIDTH // 2
    rounded = f32 if typecode == "f" else float
    n = len(input._storage)
    if n >= width and len(dims) == input.dim() and input._is_whole_storage():
        # The whole of a contiguous tensor (a loss's sum): the one row the general case below comes to.
        return [rounded(0.0 + _kernels.sum_rows(input._storage, n, typecode)[0])]
    kept = [d for d in range(input.dim()) if d not in dims]
    out_strides = dict(zip(kept, views.contiguous_strides([shape[d] for d in kept])))
    order = sorted((d for d in dims if shape[d] != 1), key=lambda d: strides[d]) + [
        d for d in reversed(kept) if shape[d] != 1
    ]
    groups = []  # [size, input stride, output stride, reduced], innermost first
    for d in order:
        size, stride, out_stride, reduced = shape[d], strides[d], out_strides.get(d, 0), d in dims
        last = groups[-1] if groups else None
        if last and last[3] == reduced and last[1] * last[0] == stride and last[2] * last[0] == out_stride:
            last[0] *= size
        else:
            groups.append([size, stride, out_stride, reduced])
    if not groups or not groups[0][3]:  # the reduced dims all have size 1: each element added to a zero output
        return [rounded(0.0 + value) for value in input._values()]
    out = [0.0] * math.prod(shape[d] for d in kept)
    (size0, s0, _, _), (size1, s1, o1, _) = (groups + [[1, 0, 0, True]])[:2]
    positions = [(input._offset, 0)]  # (storage offset, output offset) of each outer position, the first fastest
    for size, stride, out_stride, _ in groups[2:]:
        positions = [(start + i * stride, o + i * out_stride) for i in range(size) for start, o in positions]
    storage = input._storage
    for start, o in positions:
        if s0 == 1 and size0 >= width:  # vectorized_inner_sum
            sums = _kernels.sum_rows(_block(storage, start, size1, s1, size0, s0), size0, typecode)
        elif s1 == 1 and size1 >= width:  # vectorized_outer_sum
            sums = _kernels.sum_columns(_block(storage, start, size0, s0, size1, s1), size0, size1, typecode)
        elif s0 < s1:  # scalar_inner_sum
            sums = _kernels.sum_rows(_block(storage, start, size1, s1, size0, s0), size0, typecode, vectorized=False)
        else:  # scalar_outer_sum
            sums = _kernels.sum_columns(
                _block(storage, start, size0, s0, size1, s1), size0, size1, typecode, vectorized=False
            )
        for j, value in enumerate(sums):
            at = o + j * o1
            out[at] = rounded(out[at] + value)
    return out


def _block(storage, start, rows, row_stride, columns, column_stride):
    """The (rows, columns) values at storage[start + i * row_stride + j * column_stride], row-major in one array
    (the kernels' buffer), gathered a row at a time by array slices."""
    if column_stride == 1 and row_stride == columns and start == 0 and len(storage) == rows * columns:
        return storage
    block = array(storage.typecode)
    for i in range(rows):
        first = start + i * row_stride
        if column_stride:
            block.extend(storage[first : first + (columns - 1) * column_stride + 1 : column_stride])
        else:
            block.extend(storage[first : first + 1] * columns)
    return block


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
    return tuple(1 if d in dims else size for d, size in enumerate(input._shape) if keepdim or d not in dims)


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
        sums = [builtins.sum(values[i : i + row]) for i in range(0, len(values), row)]
    out = Tensor._from_values(sums, _result_shape(input, dims, keepdim), out_dtype)
    if dim is None:
        return record("SumBackward0", out, (input,), lambda grad: (views.expand(grad, input._shape),))
    return record("SumBackward1", out, (input,), lambda grad: (_unreduce(grad, input, dims, keepdim),))


@op
def mean(input, dim=None, keepdim=False, *, dtype=None):
    if not (dtype or input.dtype).is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input.dtype.name.capitalize()}"
        )
    dims = _reduced_dims(input, dim)
    count = math.prod(input._shape[d] for d in dims)
    with_sum = sum(input.detach(), dims if dim is not None else None, keepdim, dtype=dtype)
    out = pointwise.div(with_sum, count)  # ATen: sum, then divide by the element count
    if dim is None:
        return record(
            "MeanBackward0", out, (input,), lambda grad: (pointwise.div(views.expand(grad, input._shape), count),)
        )
    return record(
        "MeanBackward1", out, (input,), lambda grad: (pointwise.div(_unreduce(grad, input, dims, keepdim), count),)
    )


def sum_to(grad, shape):
    """Sum grad over the dims that broadcasting expanded from `shape` (ATen's sum_to_size)."""
    shape = tuple(shape)
    if grad._shape == shape:
        return grad
    lead = grad.dim() - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + d for d, size in enumerate(shape) if size == 1 and grad._shape[lead + d] != 1
    )
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
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
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
    positions = [_best_index(values[i : i + row], better) for i in range(0, len(values), row)]
    shape = _result_shape(input, dims, keepdim)
    out = Tensor._from_values([values[i * row + p] for i, p in enumerate(positions)], shape, input.dtype)
    indices = Tensor._from_values(positions, shape, _dtype.int64)

    record(f"{name.capitalize()}Backward0", out, (input,), lambda grad: (_scatter(input, dims[0], positions, grad),))
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
    positions = [_best_index(values[i : i + row], better) for i in range(0, len(values), row)]
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


# ---- helpers of the reductions below ----------------------------------------------------------------------------
_nan, _inf = float("nan"), float("inf")


def _memory_rows(input, dims):
    """(values, row length) with each reduced group one row, its elements in the order ATen's TensorIterator
    visits them: by the input's strides, largest first (row-major order for a contiguous tensor)."""
    kept = [d for d in range(input.dim()) if d not in dims]
    ordered = sorted(dims, key=lambda d: -input._stride[d])
    arranged = views.permute(input.detach(), kept + ordered) if input.dim() else input
    return arranged._values(), math.prod(input._shape[d] for d in dims)


def _inner_contiguous(input, dims):
    """Whether the reduced dims form one stride-1 run of memory: ATen's is_contiguous_reduction, where its
    vectorized inner loops (binary_kernel_reduce_vec, reduce_lastdim) run."""
    expected = 1
    for d in sorted(dims, key=lambda d: input._stride[d]):
        if input._shape[d] != 1:
            if input._stride[d] != expected:
                return False
            expected *= input._shape[d]
    return True


def _cast_for(input, dtype):
    return input.detach() if dtype is None or dtype is input.dtype else input.detach().to(dtype)


def _dims_list(dim):
    return None if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)


def _restore(tensor, input, dims, keepdim):
    """A reduction's result (or its grad) with the reduced dims put back as size 1 (FunctionsManual's
    unsqueeze_multiple), ready to broadcast against input."""
    if not keepdim and input.dim():
        for d in dims:
            tensor = views.unsqueeze(tensor, d)
    return tensor


# ---- variance and standard deviation ----------------------------------------------------------------------------
def _moments(input, dim, unbiased, correction, keepdim, name, take_sqrt, with_mean):
    """(var or std tensor, mean tensor or None, dims, correction) as ATen's std_var_out / std_var_mean_out compute
    them: a single-output var/std is two-pass (the float32 mean, then the squared deviations summed in a double,
    std_var_all_cpu); otherwise a Welford pass in doubles per output (WelfordOps<float, double>)."""
    if isinstance(dim, builtins.bool):  # torch.var(x, False): the legacy `unbiased` in dim's place
        dim, unbiased = None, dim
    if not input.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = _reduced_dims(input, _dims_list(dim))
    shape = _result_shape(input, dims, keepdim)
    outputs = math.prod(_result_shape(input, dims, False))
    count = math.prod(input._shape[d] for d in dims)
    if count - correction <= 0:
        import warnings

        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
            "factor (input numel divided by output numel). (Triggered internally at "
            "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)",
            UserWarning,
            stacklevel=3,
        )
    means = None
    if input.numel() == 0:
        results, means = [_nan] * outputs, [_nan] * outputs
    elif not with_mean and outputs <= 1:
        center = mean(input.detach()).item()
        total = 0.0
        for value in _memory_rows(input, dims)[0]:
            total += (value - center) * (value - center)
        results = [pointwise._divide(total, builtins.max(0.0, count - correction))]
    else:
        values, row = _memory_rows(input, dims)
        results, means = [], []
        for start in range(0, len(values), row):
            center, m2 = 0.0, 0.0
            for n, value in enumerate(values[start : start + row], 1):
                delta = value - center
                center += delta / n
                m2 += delta * (value - center)  # (ATen's build may fuse this multiply-add; it shows only in doubles)
            results.append(pointwise._divide(m2, count - correction if count > correction else 0))
            means.append(center)
    if take_sqrt:
        results = [pointwise._sqrt(v) for v in results]
    out = Tensor._from_values(results, shape, input.dtype)
    return out, (Tensor._from_values(means, shape, input.dtype) if with_mean else None), dims, correction


def _var_backward(grad, input, dim, dims, correction, keepdim):
    """FunctionsManual's var_backward: (2 / (n - correction)) * grad * (input - input.mean(dims))."""
    if input.dim() == 0 or dim is None:
        dof = input.numel() - correction
        if dof <= 0:
            return pointwise.mul(grad, pointwise.where(pointwise.eq(input, mean(input)), _nan, _inf))
        return pointwise.mul(pointwise.mul(grad, 2.0 / dof), pointwise.sub(input, mean(input)))
    grad = _restore(grad, input, dims, keepdim) if input.dim() > 1 else grad
    dof = math.prod(input._shape[d] for d in dims) - correction
    return pointwise.mul(
        pointwise.mul(grad, pointwise._divide(2.0, dof)), pointwise.sub(input, mean(input, dims, keepdim=True))
    )


def _std_backward(grad, result, input, dim, dims, correction, keepdim):
    grad_var = pointwise.masked_fill(pointwise.div(grad, pointwise.mul(result, 2)), pointwise.eq(result, 0), 0)
    return _var_backward(grad_var, input, dim, dims, correction, keepdim)


def _mean_backward(grad, input, dim, dims, keepdim):
    count = math.prod(input._shape[d] for d in dims)
    return pointwise.div(_unreduce(grad, input, dims, keepdim if dim is not None else False), count)


@op(out=True)
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    out, _, dims, correction = _moments(input, dim, unbiased, correction, keepdim, "var", False, False)
    dim = None if isinstance(dim, builtins.bool) else dim
    return record(
        "VarBackward0",
        out,
        (input,),
        lambda grad: (_var_backward(grad, input, dim, dims, correction, keepdim),),
        saved=(input,),
    )


@op(out=True)
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    out, _, dims, correction = _moments(input, dim, unbiased, correction, keepdim, "std", True, False)
    dim = None if isinstance(dim, builtins.bool) else dim
    return record(
        "StdBackward0",
        out,
        (input,),
        lambda grad: (_std_backward(grad, out, input, dim, dims, correction, keepdim),),
        saved=(input, out),
    )


# var_mean / std_mean: PyTorch has one node with two outputs; here each output gets its own node of the same name,
# carrying its half of var_mean_backward (the two halves meet at the input and add up as PyTorch's sum does).
@op(method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    out, center, dims, correction = _moments(input, dim, unbiased, correction, keepdim, "var_mean", False, True)
    dim = None if isinstance(dim, builtins.bool) else dim
    record(
        "VarMeanBackward0",
        out,
        (input,),
        lambda grad: (_var_backward(grad, input, dim, dims, correction, keepdim),),
        saved=(input,),
    )
    record("VarMeanBackward0", center, (input,), lambda grad: (_mean_backward(grad, input, dim, dims, keepdim),))
    return out, center


@op(method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    out, center, dims, correction = _moments(input, dim, unbiased, correction, keepdim, "std_mean", True, True)
    dim = None if isinstance(dim, builtins.bool) else dim
    record(
        "StdMeanBackward0",
        out,
        (input,),
        lambda grad: (_std_backward(grad, out, input, dim, dims, correction, keepdim),),
        saved=(input, out),
    )
    record("StdMeanBackward0", center, (input,), lambda grad: (_mean_backward(grad, input, dim, dims, keepdim),))
    return out, center


# ---- product ----------------------------------------------------------------------------------------------------
def _vectorized_inner_reduce(row, multiply, width):
    """ATen's vectorized_inner_reduction (binary_kernel_reduce_vec over a contiguous row): 4 vector accumulators
    over blocks of 4 vectors, combined (a0 op a1) op (a2 op a3), lanes folded left to right, then the tail."""
    block = 4 * width
    count = len(row) // block
    total = 1.0
    if count:
        acc = [list(row[j * width : (j + 1) * width]) for j in range(4)]
        for i in range(1, count):
            base = i * block
            acc = [
                [multiply(a, b) for a, b in zip(acc[j], row[base + j * width : base + (j + 1) * width])]
                for j in range(4)
            ]
        lanes = [multiply(multiply(a0, a1), multiply(a2, a3)) for a0, a1, a2, a3 in zip(*acc)]
        total = lanes[0]
        for lane in lanes[1:]:
            total = multiply(total, lane)
    for value in row[count * block :]:
        total = multiply(total, value)
    return total


def _wrap_int64(value):
    return (value + (1 << 63)) % (1 << 64) - (1 << 63)


@op
def prod(input, dim=None, keepdim=False, *, dtype=None):
    out_dtype = dtype or (input.dtype if input.dtype.is_floating_point else _dtype.int64)
    source = _cast_for(input, out_dtype)
    dims = _reduced_dims(input, None if dim is None else input._dim(dim))
    shape = _result_shape(input, dims, keepdim and dim is not None)
    values, row = _memory_rows(source, dims)
    rows = [values[i : i + row] for i in range(0, len(values), row)] if row else [[]] * math.prod(shape)
    if not out_dtype.is_floating_point:  # integer products wrap around as int64 does, in any order
        products = [_wrap_int64(math.prod(chunk)) for chunk in rows]
    elif _inner_contiguous(source, dims):  # ATen's vectorized inner reduction
        multiply = (lambda a, b: f32(a * b)) if out_dtype is _dtype.float32 else operator.mul
        width = _VECTOR_WIDTH if out_dtype is _dtype.float32 else _VECTOR_WIDTH // 2
        products = [_vectorized_inner_reduce(chunk, multiply, width) for chunk in rows]
    else:  # one running product per output, in memory order (float32 rounding at each step)
        rounded = f32 if out_dtype is _dtype.float32 else float
        products = []
        for chunk in rows:
            total = 1.0
            for value in chunk:
                total = rounded(total * value)
            products.append(total)
    out = Tensor._from_values(products, shape, out_dtype)
    if dim is None:
        return record(
            "ProdBackward0",
            out,
            (input,),
            lambda grad: (_prod_backward(grad, input, out, None, False),),
            saved=(input, out),
        )
    return record(
        "ProdBackward1",
        out,
        (input,),
        lambda grad: (_prod_backward(grad, input, out, dims, keepdim),),
        saved=(input, out),
    )


def _prod_backward(grad, input, result, dims, keepdim):
    """FunctionsManual's prod_backward: grad * (result / input) when no input is zero; else the products of all
    the other elements (prod_safe_zeros_backward's exclusive cumprods)."""
    if input.dim() == 0:
        return grad
    if dims is not None:
        grad, result = _restore(grad, input, dims, keepdim), _restore(result, input, dims, keepdim)
    if not builtins.any(v == 0 for v in input._values()):
        return pointwise.mul(grad, pointwise.div(result, input))
    if dims is None:
        flat = views.reshape(input, (-1,))
        return views.reshape(pointwise.mul(grad, _exclusive_products(flat, 0)), input._shape)
    return pointwise.mul(grad, _exclusive_products(input, dims[0]))


def _exclusive_products(input, dim):
    """For each element, the product of the others along dim: cumprod of [1, x0, .., x(n-2)] times the reversed
    cumprod of [x1, .., x(n-1), 1], each accumulated in a double as ATen's cumprod does (no autograd)."""
    values, row = _memory_rows(input.detach(), (dim,))
    result = []
    for start in range(0, len(values), row):
        chunk = values[start : start + row]
        before, after = [1.0], [1.0]
        for value in chunk[:-1]:
            before.append(before[-1] * value)
        for value in reversed(chunk[1:]):
            after.append(after[-1] * value)
        rounded = (lambda v: f32(v)) if input.dtype is _dtype.float32 else float
        result.extend(rounded(rounded(b) * rounded(a)) for b, a in zip(before, reversed(after)))
    return _from_rows(result, input, dim)


def _from_rows(values, input, dim, dtype=None, shape=None):
    """A tensor of input's shape (or `shape`) from values laid out with dim innermost (the inverse of _rows for one
    dim)."""
    shape = input._shape if shape is None else tuple(shape)
    kept = [d for d in range(len(shape)) if d != dim]
    moved = Tensor._from_values(values, [shape[d] for d in kept] + [shape[dim]], dtype or input.dtype)
    order = kept + [dim]
    return pointwise.contiguous(views.permute(moved, [order.index(d) for d in range(len(shape))]))


# ---- norms ------------------------------------------------------------------------------------------------------
def _norm_values(values, row, p, vectorized, typecode):
    """Each row's p-norm as ATen's norm kernels accumulate it (in the input's precision): p=2 over a contiguous
    last dim in 8 lanes + a tail (binary_kernel_reduce_lastdim), else one running value per output."""
    rounded = f32 if typecode == "f" else float
    results = []
    for start in range(0, len(values), row):
        chunk = values[start : start + row]
        if p == 2 and vectorized and typecode == "f":
            results.append(_two_norm_lastdim(chunk))
            continue
        if p == _inf:
            total = 0.0
            for v in chunk:
                v = builtins.abs(v)
                total = v if math.isnan(v) or v > total else total
        elif p == -_inf:
            total = _inf
            for v in chunk:
                v = builtins.abs(v)
                total = v if math.isnan(v) or v < total else total
        elif p == 0:
            total = float(builtins.sum(1 for v in chunk if v != 0))
        else:
            total = 0.0
            for v in chunk:
                if p == 1:
                    total = rounded(total + builtins.abs(v))
                elif p == 2:
                    total = rounded(total + rounded(v * v))
                else:
                    total = rounded(total + rounded(pointwise._power(builtins.abs(v), p)))
            if p == 2:
                total = pointwise._sqrt(total)
            elif p != 1:
                total = pointwise._power(total, rounded(1.0 / p))
        results.append(total)
    return results


def _two_norm_lastdim(row):
    """sqrt(sum x*x) as ReduceOpsKernel's norm_two_reduce_step loop runs it: 8 float32 lanes (multiply, then add),
    folded left to right, then the tail, whose elements the compiler squares 4 at a time (a multiply and an add)
    and then one by one with a fused multiply-add. Checked bit for bit against PyTorch."""
    width = _VECTOR_WIDTH
    lanes = [0.0] * width
    full = len(row) - len(row) % width
    for d in range(0, full, width):
        lanes = [f32(a + f32(v * v)) for a, v in zip(lanes, row[d : d + width])]
    total = lanes[0]
    for lane in lanes[1:]:
        total = f32(total + lane)
    tail = row[full:]
    paired = len(tail) // 4 * 4
    for i, v in enumerate(tail):
        total = f32(total + f32(v * v)) if i < paired else fma32(v, v, total)
    return pointwise._sqrt(total)


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.vector_norm: ATen's linalg_vector_norm (LinalgVectorNormBackward0)."""
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' (position 2) must be Number, not str")
    if not (dtype or input.dtype).is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            + pointwise._type_word(input.dtype)
        )
    source = _cast_for(input, dtype)
    ord = float(ord)
    dims = _reduced_dims(input, _dims_list(dim))
    shape = _result_shape(input, dims, keepdim)
    if source.numel() == 0:
        if ord < 0 or ord == _inf and math.prod(input._shape[d] for d in dims) == 0:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                "operation does not have an identity"
            )
        results = [0.0] * math.prod(shape)
    elif input.dim() and builtins.all(input._shape[d] == 1 for d in dims):
        results = [builtins.abs(v) if ord != 0 else float(v != 0) for v in source._values()]  # ATen: abs(self)
    else:
        values, row = _memory_rows(source, dims)
        vectorized = _inner_contiguous(source, dims) and len(dims) >= 1
        results = _norm_values(values, row, ord, vectorized, source.dtype.typecode)
    out = Tensor._from_values(results, shape, source.dtype)
    return record(
        "LinalgVectorNormBackward0",
        out,
        (input,),
        lambda grad: (_norm_backward(grad, input, ord, out, dims, keepdim),),
        saved=(input, out),
    )


def _norm_backward(grad, input, p, norm, dims, keepdim):
    """FunctionsManual's norm_backward, step for step."""
    if not keepdim and input.dim():
        grad, norm = _restore(grad, input, dims, False), _restore(norm, input, dims, False)
    if p == 0:
        return pointwise.mul(grad, 0.0)
    if p == 1:
        return pointwise.mul(pointwise.sign(input), grad)
    if p == 2:
        return pointwise.mul(grad, pointwise.masked_fill(pointwise.div(input, norm), pointwise.eq(norm, 0), 0))
    if builtins.abs(p) == _inf:
        magnitude = pointwise.abs(input)
        mask = pointwise.logical_or(pointwise.eq(magnitude, norm), pointwise.isnan(magnitude))
        return pointwise.mul(
            pointwise.sign(input), pointwise.mul(pointwise.div(grad, sum(mask, dims, keepdim=True)), mask)
        )
    if p < 1:
        scaled = pointwise.mul(
            pointwise.sign(input),
            pointwise.masked_fill(pointwise.pow(pointwise.abs(input), p - 1), pointwise.eq(input, 0), 0),
        )
        return pointwise.mul(pointwise.mul(scaled, grad), pointwise.pow(norm, 1 - p))
    if p < 2:
        scaled = pointwise.mul(pointwise.sign(input), pointwise.pow(pointwise.abs(input), p - 1))
    else:
        scaled = pointwise.mul(input, pointwise.pow(pointwise.abs(input), p - 2))
    scale = pointwise.masked_fill(pointwise.div(grad, pointwise.pow(norm, p - 1)), pointwise.eq(norm, 0), 0)
    return pointwise.mul(scaled, scale)


@op
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """torch.norm as torch/functional.py routes it: 'fro' and numbers to linalg.vector_norm."""
    if p == "nuc" or isinstance(dim, (list, tuple)) and len(dim) > 2 and p == "fro":
        from .._unsupported import unsupported

        raise unsupported(f"torch.norm(p={p!r})")
    if p == "fro":
        p = 2
    elif isinstance(p, str):
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


# ---- log-sum-exp, max/min values, counting ----------------------------------------------------------------------
@op
def logsumexp(input, dim, keepdim=False):
    """ATen's logsumexp_out_impl: log(sum(exp(x - max))) + max, the max zeroed where infinite."""
    source = input.detach() if input.dtype.is_floating_point else input.detach().to(_dtype.float32)
    dims = _reduced_dims(input, _dims_list(dim))
    if source.numel():
        maxes = amax(source, dims, keepdim=True)
        maxes = pointwise.masked_fill(maxes, pointwise.eq(pointwise.abs(maxes), _inf), 0)
        total = sum(pointwise.exp(pointwise.sub(source, maxes)), dims, keepdim)
        out = pointwise.add(pointwise.log(total), maxes if keepdim else views.reshape(maxes, total._shape))
    else:
        out = pointwise.log(sum(pointwise.exp(source), dims, keepdim))
    return record(
        "LogsumexpBackward0",
        out,
        (input,),
        lambda grad: (
            pointwise.mul(
                _restore(grad, input, dims, keepdim),
                pointwise.exp(pointwise.sub(input, _restore(out, input, dims, keepdim))),
            ),
        ),
        saved=(input, out),
    )


def _extreme_values(input, dims, keepdim, better, name):
    if input.numel() == 0 and builtins.any(input._shape[d] == 0 for d in dims) or input.numel() == 0 and not dims:
        raise IndexError(f"{name}(): Expected reduction dim {dims[0] if dims else 0} to have non-zero size.")
    values, row = _rows(input, dims)
    best = [values[i + _best_index(values[i : i + row], better)] for i in range(0, len(values), row)]
    return Tensor._from_values(best, _result_shape(input, dims, keepdim), input.dtype)


def _scale_grad_by_count(grad, result, input, dims, keepdim):
    """FunctionsManual's scale_grad_by_count: the gradient split evenly over the elements equal to the result."""
    mask = pointwise.eq(_restore(result, input, dims, keepdim), input)
    return pointwise.mul(pointwise.div(_restore(grad, input, dims, keepdim), sum(mask, dims, keepdim=True)), mask)


@op
def amax(input, dim=(), keepdim=False):
    dims = _reduced_dims(input, _dims_list(dim))
    out = _extreme_values(input, dims, keepdim, operator.gt, "amax")
    return record(
        "AmaxBackward0",
        out,
        (input,),
        lambda grad: (_scale_grad_by_count(grad, out, input, dims, keepdim),),
        saved=(input, out),
    )


@op
def amin(input, dim=(), keepdim=False):
    dims = _reduced_dims(input, _dims_list(dim))
    out = _extreme_values(input, dims, keepdim, operator.lt, "amin")
    return record(
        "AminBackward0",
        out,
        (input,),
        lambda grad: (_scale_grad_by_count(grad, out, input, dims, keepdim),),
        saved=(input, out),
    )


_aminmax_result = namedtuple("aminmax", ["min", "max"])
_aminmax_result.__module__ = "torch.return_types"
_aminmax_result.__repr__ = lambda self: f"torch.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"


@op
def aminmax(input, *, dim=None, keepdim=False):
    dims = _reduced_dims(input, dim)
    if input.numel() == 0:
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."
        )
    low = _extreme_values(input, dims, keepdim, operator.lt, "aminmax")
    high = _extreme_values(input, dims, keepdim, operator.gt, "aminmax")
    # PyTorch: one AminmaxBackward0 node with two outputs; here one per output, each with its half of the formula
    record(
        "AminmaxBackward0",
        low,
        (input,),
        lambda grad: (_scale_grad_by_count(grad, low, input, dims, keepdim),),
        saved=(input, low),
    )
    record(
        "AminmaxBackward0",
        high,
        (input,),
        lambda grad: (_scale_grad_by_count(grad, high, input, dims, keepdim),),
        saved=(input, high),
    )
    return _aminmax_result(low, high)


@op
def count_nonzero(input, dim=None):
    dims = _reduced_dims(input, _dims_list(dim))
    values, row = _rows(input, dims)
    counts = (
        [builtins.sum(1 for v in values[i : i + row] if v) for i in range(0, len(values), row)]
        if row
        else [0] * math.prod(_result_shape(input, dims, False))
    )
    return Tensor._from_values(counts, _result_shape(input, dims, False), _dtype.int64)


@op
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """sum with NaNs counted as zero (ATen's cascade_sum<ignore_nan=true>: the same order as sum)."""
    source = input.detach()
    if source.dtype.is_floating_point:
        source = Tensor._from_values(
            [0.0 if math.isnan(v) else v for v in source._values()], source._shape, source.dtype
        )
    with_sum = sum(source, dim, keepdim, dtype=dtype)
    dims = _reduced_dims(input, _dims_list(dim))
    return record(
        "NansumBackward0",
        with_sum.detach(),
        (input,),
        lambda grad: (
            pointwise.mul(
                _unreduce(grad, input, dims, keepdim if dim is not None else False),
                pointwise.logical_not(pointwise.isnan(input)),
            ),
        ),
        saved=(input,),
    )


@op
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    if not (dtype or input.dtype).is_floating_point:
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            + pointwise._type_word(input.dtype)
        )
    factor = sum(pointwise.logical_not(pointwise.isnan(input)), dim, keepdim)
    return pointwise.div(nansum(input, dim, keepdim, dtype=dtype), factor)


# ---- cumulative sums and products -------------------------------------------------------------------------------
def _cumulate(input, dim, dtype, step, start, name):
    """Running step(acc, x) along dim, the accumulator a double for float tensors (ATen's cpu_cum_base_kernel
    accumulates in at::acc_type<float, false> = double) and rounded only when stored."""
    out_dtype = dtype or (input.dtype if input.dtype.is_floating_point else _dtype.int64)
    if out_dtype is _dtype.bool:
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
    source = _cast_for(input, out_dtype)
    dim = input._dim(dim)
    if input.dim() == 0:
        return Tensor._from_values(source._values(), (), out_dtype), dim
    values, row = _rows(source, (dim,))
    result = []
    for i in range(0, len(values), row):
        acc = start
        for value in values[i : i + row]:
            acc = step(acc, value)
            result.append(acc if out_dtype.is_floating_point else _wrap_int64(acc))
    return _from_rows(result, source, dim), dim


def _reversed_cumsum(grad, dim):
    """grad.flip(dim).cumsum(dim).flip(dim), the sum from each position to the end, accumulated from the end."""
    dim = grad._dim(dim)
    values, row = _rows(grad.detach(), (dim,))
    result = []
    for i in range(0, len(values), row):
        acc, sums = 0.0, []
        for value in reversed(values[i : i + row]):
            acc += value
            sums.append(acc)
        result.extend(reversed(sums))
    out = _from_rows(result, grad, dim) if grad.dim() else Tensor._from_values(grad._values(), (), grad.dtype)
    return record("FlipBackward0", out, (grad,), lambda g: (cumsum(g, dim),))


@op(in_place=True, out=True)
def cumsum(input, dim, *, dtype=None):
    out, dim = _cumulate(input, dim, dtype, operator.add, 0, "cumsum")

    def backward(grad):
        if grad.numel() <= 1 or grad._shape[dim] == 1:
            return (grad,)
        return (_reversed_cumsum(grad, dim),)

    return record("CumsumBackward0", out, (input,), backward)


@op(in_place=True, out=True)
def cumprod(input, dim, *, dtype=None):
    out, dim = _cumulate(input, dim, dtype, operator.mul, 1, "cumprod")

    def backward(grad):
        if input.numel() <= 1 or input._shape[dim] == 1:
            return (grad,)
        if builtins.any(v == 0 for v in input._values()):
            from .._unsupported import unsupported

            raise unsupported("the gradient of torch.cumprod at an input that holds zeros")
        return (pointwise.div(_reversed_cumsum(pointwise.mul(out, grad), dim), input),)

    return record("CumprodBackward0", out, (input,), backward, saved=(input, out))


def _cummaxmin(input, dim, better, name, result_type):
    """ATen's cummax_cummin_helper: a new best where x >= best (<= for cummin), so ties move to the later index;
    NaN, once met, stays (each later NaN takes its index)."""
    dim = input._dim(dim)
    if input.dim() == 0:
        return result_type(
            Tensor._from_values(input._values(), (), input.dtype), Tensor._from_values([0], (), _dtype.int64)
        ), dim
    values, row = _rows(input, (dim,))
    best_values, best_indices = [], []
    for i in range(0, len(values), row):
        chunk = values[i : i + row]
        best, at = (chunk[0] if chunk else 0), 0
        for j, x in enumerate(chunk):
            if math.isnan(x) or (not math.isnan(best) and better(x, best)):
                best, at = x, j
            best_values.append(best)
            best_indices.append(at)
    return result_type(_from_rows(best_values, input, dim), _from_rows(best_indices, input, dim, _dtype.int64)), dim


_cummax_result, _cummin_result = _return_type("cummax"), _return_type("cummin")


def _scatter_add_along(input, dim, indices, grad):
    """zeros(input.shape).scatter_add_(dim, indices, grad): each grad added, in order along dim, at its index."""
    values, row = _rows(grad.detach(), (dim,))
    positions, _ = _rows(indices, (dim,))
    size = input._shape[dim]
    result = []
    zero = 0.0 if grad.dtype.is_floating_point else 0
    store = f32 if grad.dtype is _dtype.float32 else (lambda v: v)
    for i in range(0, len(values), row or 1):
        slots = [zero] * size
        for value, at in zip(values[i : i + row], positions[i : i + row]):
            slots[at] = store(slots[at] + value)
        result.extend(slots)
    return _from_rows(result, input, dim, grad.dtype)


@op
def cummax(input, dim):
    result, dim = _cummaxmin(input, dim, operator.ge, "cummax", _cummax_result)
    record(
        "CummaxBackward0",
        result.values,
        (input,),
        lambda grad: (_scatter_add_along(input, dim, result.indices, grad) if input.dim() else grad,),
    )
    return result


@op
def cummin(input, dim):
    result, dim = _cummaxmin(input, dim, operator.le, "cummin", _cummin_result)
    record(
        "CumminBackward0",
        result.values,
        (input,),
        lambda grad: (_scatter_add_along(input, dim, result.indices, grad) if input.dim() else grad,),
    )
    return result
