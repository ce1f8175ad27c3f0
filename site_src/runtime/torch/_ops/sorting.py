"""Sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, unique,
unique_consecutive, bincount, histc, quantile, nanquantile.

Values never depend on the algorithm; the indices of tied elements do. Where ATen's CPU kernel orders ties
deterministically, the same algorithm runs here: libstdc++'s std::nth_element / std::partial_sort / std::sort for
topk (TopKImpl.h) and mode, the Sedgewick quickselect of Sorting.cpp for kthvalue, and the (value, index) order of
median_with_indices_impl. sort with stable=False runs x86-simd-sort's vectorized quicksort in PyTorch, whose order of
tied elements is not reproduced: here it is stable (ties keep their input order), which PyTorch guarantees only
with stable=True.
"""

import builtins
import math
from collections import namedtuple

from .. import _dtype
from .._kernels.reference import f32
from .._tensor import Tensor
from .._unsupported import unsupported
from ..autograd.graph import record
from . import pointwise, reduction, views
from .registry import op

_nan = float("nan")


def _return_type(name, fields=("values", "indices")):
    cls = namedtuple(name, list(fields))
    cls.__module__ = "torch.return_types"
    cls.__repr__ = lambda self: (
        f"torch.return_types.{name}(\n" + ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields) + ")"
    )
    return cls


_sort_result, _topk_result, _kthvalue_result = _return_type("sort"), _return_type("topk"), _return_type("kthvalue")
_median_result, _nanmedian_result = _return_type("median"), _return_type("nanmedian")
_mode_result = _return_type("mode")


def _isnan(x):
    return math.isnan(x)


# ---- libstdc++'s algorithms (bits/stl_algo.h, stl_heap.h), over a list with a strict "comes before" ---------------
def _move_median_to_first(a, result, x, y, z, less):
    if less(a[x], a[y]):
        if less(a[y], a[z]):
            a[result], a[y] = a[y], a[result]
        elif less(a[x], a[z]):
            a[result], a[z] = a[z], a[result]
        else:
            a[result], a[x] = a[x], a[result]
    elif less(a[x], a[z]):
        a[result], a[x] = a[x], a[result]
    elif less(a[y], a[z]):
        a[result], a[z] = a[z], a[result]
    else:
        a[result], a[y] = a[y], a[result]


def _partition_pivot(a, first, last, less):
    mid = first + (last - first) // 2
    _move_median_to_first(a, first, first + 1, mid, last - 1, less)
    pivot, lo, hi = a[first], first + 1, last
    while True:
        while less(a[lo], pivot):
            lo += 1
        hi -= 1
        while less(pivot, a[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        a[lo], a[hi] = a[hi], a[lo]
        lo += 1


def _insertion_sort(a, first, last, less):
    for i in range(first + 1, last):
        value = a[i]
        if less(value, a[first]):
            a[first + 1 : i + 1] = a[first:i]
            a[first] = value
        else:
            j = i
            while less(value, a[j - 1]):
                a[j] = a[j - 1]
                j -= 1
            a[j] = value


def _adjust_heap(a, first, hole, length, value, less):
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value


def _heap_select(a, first, middle, last, less):
    length = middle - first
    if length >= 2:
        for parent in range((length - 2) // 2, -1, -1):
            _adjust_heap(a, first, parent, length, a[first + parent], less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            value, a[i] = a[i], a[first]
            _adjust_heap(a, first, 0, length, value, less)


def _sort_heap(a, first, last, less):
    while last - first > 1:
        last -= 1
        value, a[last] = a[last], a[first]
        _adjust_heap(a, first, 0, last - first, value, less)


def _partial_sort(a, first, middle, last, less):
    _heap_select(a, first, middle, last, less)
    _sort_heap(a, first, middle, less)


def _std_sort(a, first, last, less):
    if last - first < 2:
        return

    def introsort(first, last, depth):
        while last - first > 16:
            if depth == 0:
                _partial_sort(a, first, last, last, less)
                return
            depth -= 1
            cut = _partition_pivot(a, first, last, less)
            introsort(cut, last, depth)
            last = cut

    introsort(first, last, 2 * ((last - first).bit_length() - 1))
    if last - first > 16:
        _insertion_sort(a, first, first + 16, less)
        for i in range(first + 16, last):  # __unguarded_insertion_sort
            value, j = a[i], i
            while less(value, a[j - 1]):
                a[j] = a[j - 1]
                j -= 1
            a[j] = value
    else:
        _insertion_sort(a, first, last, less)


def _nth_element(a, first, nth, last, less):
    if first == last or nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last, less)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, less)


# ---- along one dim ----------------------------------------------------------------------------------------------
def _slices(input, dim):
    """input's values as lists, one per slice along dim (the other dims in row-major order)."""
    if input.dim() == 0:
        return [list(input._values())], 1
    values, row = reduction._rows(input.detach(), (dim,))
    return [list(values[i : i + row]) for i in range(0, len(values), row)], row


def _assemble(rows, input, dim, size, dtype, keepdim=True):
    """Tensor from per-slice lists of `size` values along dim (size None: dim dropped unless keepdim)."""
    flat = [v for row in rows for v in row]
    if input.dim() == 0:
        return Tensor._from_values(flat, (), dtype)
    if size is None:
        shape = reduction._result_shape(input, (dim,), keepdim)
        return Tensor._from_values(flat, shape, dtype)
    shape = input._shape[:dim] + (size,) + input._shape[dim + 1 :]
    return reduction._from_rows(flat, input, dim, dtype, shape)


def _select_backward(grad, input, dim, indices, keepdim):
    """value_selecting_reduction_backward: grad placed at the selected indices of a zero tensor of input's shape."""
    if input.dim() == 0:
        return grad
    if not keepdim:
        grad, indices = views.unsqueeze(grad, dim), views.unsqueeze(indices, dim)
    return reduction._scatter_add_along(input, dim, indices, grad)


def _ascending(x, y):
    return (not _isnan(x[0]) and _isnan(y[0])) or x[0] < y[0]


def _descending(x, y):
    return (_isnan(x[0]) and not _isnan(y[0])) or x[0] > y[0]


@op
def sort(input, dim=-1, descending=False, *, stable=None):
    dim = input._dim(dim)
    rows, _ = _slices(input, dim)
    sorted_rows = []
    for row in rows:  # a stable sort with NaN greatest (see the module's docstring for stable=False)
        order = sorted(
            range(len(row)), key=lambda i: (_isnan(row[i]), 0.0 if _isnan(row[i]) else row[i]), reverse=descending
        )  # (reverse=True keeps tied elements in their input order too)
        sorted_rows.append(order)
    size = input._shape[dim] if input.dim() else None
    values = _assemble(
        [[row[i] for i in order] for row, order in zip(rows, sorted_rows)], input, dim, size, input.dtype
    )
    indices = _assemble(sorted_rows, input, dim, size, _dtype.int64)
    name = "SortBackward0" if stable is None else "SortBackward1"  # sort or its sort.stable overload
    record(name, values, (input,), lambda grad: (_select_backward(grad, input, dim, indices, True),))
    return _sort_result(values, indices)


@op
def argsort(input, dim=-1, descending=False, *, stable=None):
    return sort(input.detach(), dim, descending, stable=stable).indices


@op
def msort(input):
    return sort(input, 0).values


@op
def topk(input, k, dim=-1, largest=True, sorted=True):
    """TopKImpl.h's topk_impl_loop: std::partial_sort when k * 64 <= n, else std::nth_element and a std::sort of
    the first k - 1 (sorted=True), over (value, index) pairs; NaN counts as largest."""
    dim = input._dim(dim)
    n = input._shape[dim] if input.dim() else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    rows, _ = _slices(input, dim)
    comes_before = _descending if largest else _ascending
    picked = []
    for row in rows:
        queue = [(v, j) for j, v in enumerate(row)]
        if k == 0:
            picked.append([])
            continue
        if k * 64 <= n:
            _partial_sort(queue, 0, k, n, comes_before)
        else:
            _nth_element(queue, 0, k - 1, n, comes_before)
            if sorted:
                _std_sort(queue, 0, k - 1, comes_before)
        picked.append(queue[:k])
    size = k if input.dim() else None
    values = _assemble([[v for v, _ in q] for q in picked], input, dim, size, input.dtype)
    indices = _assemble([[j for _, j in q] for q in picked], input, dim, size, _dtype.int64)
    record("TopkBackward0", values, (input,), lambda grad: (_select_backward(grad, input, dim, indices, True),))
    return _topk_result(values, indices)


def _quick_select(pairs, k):
    """Sorting.cpp's quick_select_template (Sedgewick's), NaN greatest: pairs[k] ends up k-th smallest."""

    def gt_or_nan(x, y):
        return (_isnan(x[0]) and not _isnan(y[0])) or x[0] > y[0]

    def swap(i, j):
        pairs[i], pairs[j] = pairs[j], pairs[i]

    low, high = 0, len(pairs) - 1
    while True:
        if high <= low:
            return
        if high == low + 1:
            if gt_or_nan(pairs[low], pairs[high]):
                swap(low, high)
            return
        swap((low + high) >> 1, low + 1)
        if gt_or_nan(pairs[low + 1], pairs[high]):
            swap(low + 1, high)
        if gt_or_nan(pairs[low], pairs[high]):
            swap(low, high)
        if gt_or_nan(pairs[low + 1], pairs[low]):
            swap(low + 1, low)
        i, j, pivot = low + 1, high, pairs[low]
        while True:
            i += 1
            while gt_or_nan(pivot, pairs[i]):
                i += 1
            j -= 1
            while gt_or_nan(pairs[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(low, j)
        if j <= k:
            low = i
        if j >= k:
            high = j - 1


@op
def kthvalue(input, k, dim=-1, keepdim=False):
    dim = input._dim(dim)
    n = input._shape[dim] if input.dim() else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    rows, _ = _slices(input, dim)
    chosen = []
    for row in rows:
        pairs = [(v, j) for j, v in enumerate(row)]
        _quick_select(pairs, k - 1)
        chosen.append(pairs[k - 1])
    values = _assemble([[v for v, _ in chosen]], input, dim, None, input.dtype, keepdim)
    indices = _assemble([[j for _, j in chosen]], input, dim, None, _dtype.int64, keepdim)
    record("KthvalueBackward0", values, (input,), lambda grad: (_select_backward(grad, input, dim, indices, keepdim),))
    return _kthvalue_result(values, indices)


def _median_order(x, y):
    return x[0] < y[0] or (x[0] == y[0] and x[1] < y[1]) or (_isnan(y[0]) and not _isnan(x[0]))


def _median(input, dim, keepdim, ignore_nan):
    name = "nanmedian" if ignore_nan else "median"
    if dim is None:
        values = [v for v in input._values() if not (ignore_nan and _isnan(v))]
        if not values or not ignore_nan and any(_isnan(v) for v in values):
            out = Tensor._from_values([_nan], (), input.dtype)
        else:
            out = Tensor._from_values([sorted(values)[(len(values) - 1) // 2]], (), input.dtype)

        def evenly_distribute(grad):
            mask = pointwise.isnan(input) if _isnan(out.item()) else pointwise.eq(input, out)
            return (pointwise.mul(mask, pointwise.div(grad, reduction.sum(mask))),)

        return record(f"{name.capitalize()}Backward0", out, (input,), evenly_distribute, saved=(input,))
    dim = input._dim(dim)
    if input.dim() and input._shape[dim] == 0:
        raise IndexError(f"median(): Expected reduction dim {dim} to have non-zero size.")
    rows, _ = _slices(input, dim)
    chosen = []
    for row in rows:
        # median_with_indices_impl: the first NaN for median; otherwise std::nth_element over the indices in
        # (value, index) order, NaNs last and equivalent to each other for nanmedian
        first_nan = next((j for j, v in enumerate(row) if _isnan(v)), None)
        if not ignore_nan and first_nan is not None:
            chosen.append((row[first_nan], first_nan))
            continue
        count = sum(1 for v in row if not _isnan(v))
        pairs = [(v, j) for j, v in enumerate(row)]
        nth = int((count - 1) / 2)  # C++ division truncates toward zero
        _nth_element(pairs, 0, nth, len(pairs), _median_order)
        chosen.append(pairs[nth])
    result_type = _nanmedian_result if ignore_nan else _median_result
    values = _assemble([[v for v, _ in chosen]], input, dim, None, input.dtype, keepdim)
    indices = _assemble([[j for _, j in chosen]], input, dim, None, _dtype.int64, keepdim)
    record(
        f"{name.capitalize()}Backward1",
        values,
        (input,),
        lambda grad: (_select_backward(grad, input, dim, indices, keepdim),),
    )
    return result_type(values, indices)


@op
def median(input, dim=None, keepdim=False):
    return _median(input, dim, keepdim, False)


@op
def nanmedian(input, dim=None, keepdim=False):
    return _median(input, dim, keepdim, True)


@op
def mode(input, dim=-1, keepdim=False):
    """TensorCompareKernel's mode_kernel_impl: (value, index) pairs std::sort-ed by value, the first value with the
    longest run wins, with the index its run ends on."""
    dim = input._dim(dim)
    rows, _ = _slices(input, dim)
    chosen = []
    for row in rows:
        pairs = [(v, j) for j, v in enumerate(row)]
        _std_sort(pairs, 0, len(pairs), lambda x, y: x[0] < y[0])
        best, best_count, count = (0, 0), 0, 0
        for i, (value, index) in enumerate(pairs):
            count += 1
            if i == len(pairs) - 1 or value != pairs[i + 1][0]:
                if count > best_count:
                    best, best_count = (value, index), count
                count = 0
        chosen.append(best)
    values = _assemble([[v for v, _ in chosen]], input, dim, None, input.dtype, keepdim)
    indices = _assemble([[j for _, j in chosen]], input, dim, None, _dtype.int64, keepdim)
    record("ModeBackward0", values, (input,), lambda grad: (_select_backward(grad, input, dim, indices, keepdim),))
    return _mode_result(values, indices)


# ---- unique values and counting ---------------------------------------------------------------------------------
def _unique_result(values, inverse, counts, input, return_inverse, return_counts):
    out = Tensor._from_values(values, (len(values),), input.dtype)
    extras = []
    if return_inverse:
        extras.append(Tensor._from_values(inverse, input._shape, _dtype.int64))
    if return_counts:
        extras.append(Tensor._from_values(counts, (len(counts),), _dtype.int64))
    return (out, *extras) if extras else out


@op
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values in ascending order (PyTorch's CPU kernel sorts also when sorted=False)."""
    if dim is not None:
        raise unsupported("torch.unique(dim=...)")
    elements = list(input._values())
    distinct = builtins.sorted(set(elements), key=lambda v: (_isnan(v), v if not _isnan(v) else 0))
    position = {v: i for i, v in enumerate(distinct)}
    inverse = [position[v] for v in elements]
    counts = [0] * len(distinct)
    for i in inverse:
        counts[i] += 1
    return _unique_result(distinct, inverse, counts, input, return_inverse, return_counts)


@op
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    if dim is not None:
        raise unsupported("torch.unique_consecutive(dim=...)")
    values, inverse, counts = [], [], []
    for v in input._values():
        if not values or v != values[-1]:
            values.append(v)
            counts.append(0)
        counts[-1] += 1
        inverse.append(len(values) - 1)
    return _unique_result(values, inverse, counts, input, return_inverse, return_counts)


@op
def bincount(input, weights=None, minlength=0):
    if input.dtype.is_floating_point or input.dtype is _dtype.bool:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{pointwise._type_word(input.dtype)}'")
    if input.dim() != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    elements = list(input._values())
    if not elements:  # ATen returns int64 zeros for an empty input, weights or not
        return Tensor._from_values([0] * minlength, (minlength,), _dtype.int64)
    if any(v < 0 for v in elements):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    size = max(minlength, max(elements) + 1)
    if weights is None:
        counts = [0] * size
        for v in elements:
            counts[v] += 1
        return Tensor._from_values(counts, (size,), _dtype.int64)
    if weights._shape != input._shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dtype = weights.dtype if weights.dtype.is_floating_point else _dtype.float64
    store = f32 if dtype is _dtype.float32 else float
    sums = [0.0] * size
    for v, w in zip(elements, weights._values()):
        sums[v] = store(sums[v] + w)
    return Tensor._from_values(sums, (size,), dtype)


@op
def histc(input, bins=100, min=0, max=0):
    """HistogramKernel.cpp's linear-interpolation binning in the input's float precision: bin =
    int((x - min) * bins / (max - min)), the right edge falling in the last bin, values outside ignored."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"histogram_histc_out\" not implemented for '{pointwise._type_word(input.dtype)}'")
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got " + str(bins) + " for dim 0")
    rounded = f32 if input.dtype is _dtype.float32 else float
    elements = list(input._values())
    low, high = rounded(min), rounded(max)
    if low == high and elements:
        low, high = builtins.min(elements), builtins.max(elements)
    if low == high:
        low, high = low - 1, high + 1
    low, high = rounded(low), rounded(high)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histc(): range of [{low:g}, {high:g}] is not finite")
    counts = [0.0] * bins
    width = rounded(high - low)
    for x in elements:
        if not low <= x <= high:
            continue
        position = int(rounded(rounded(rounded(x - low) * bins) / width))
        counts[builtins.min(position, bins - 1)] += 1
    return Tensor._from_values(counts, (bins,), input.dtype)


# ---- quantile ---------------------------------------------------------------------------------------------------
_QUANTILE_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    """ATen's quantile_impl (Sorting.cpp): sort along the reduced dim, ranks q * (n - 1) in the input's dtype
    (float32 steps for float32), adjusted by the interpolation mode, then gather and lerp, as ATen's composite
    does, so the graph has its nodes (SortBackward0, GatherBackward0, LerpBackward1, in-place squeezes)."""
    if interpolation not in _QUANTILE_MODES:
        raise RuntimeError(
            "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
            f"but got {interpolation}"
        )
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q:g}")
        q = Tensor._from_values([q], (), input.dtype)
    if not input.numel():
        raise RuntimeError("quantile() input tensor must be non-empty")
    if q.dim() > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if q.dtype is not input.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    wrapped = input._dim(dim if dim is not None else 0)
    if dim is not None and input.dim() > 0:
        out_shape = list(input._shape)
        if keepdim:
            out_shape[wrapped] = 1
        else:
            del out_shape[wrapped]
    else:
        out_shape = [1] * input.dim() if keepdim else []
    qs = list(q._values())
    if not builtins.all(0 <= v <= 1 for v in qs):
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    if dim is None:
        source = views.flatten(input)
    elif wrapped == input.dim() - 1:
        source = input
    else:
        source = views.transpose(views.unsqueeze(input, -1), wrapped, -1)
    in_shape = out_shape + [source._shape[-1]]  # (q's slot, when q has one, is the last of the ranks)
    ordered = views.view(sort(source).values, tuple(in_shape))
    n = in_shape[-1]
    rounded = pointwise._to_f32 if input.dtype is _dtype.float32 else float
    values = ordered._values()
    below, above, weights = [], [], []
    for start in range(0, len(values), n):
        row = values[start : start + n]
        count = builtins.sum(1 for v in row if v == v)
        for p in qs:
            if ignore_nan:
                rank = builtins.max(rounded(p * rounded(count - 1)), 0.0)
            else:
                rank = rounded(p * (n - 1)) if count == n else float(n - 1)
            if interpolation != "linear" and interpolation != "midpoint":
                rank = float({"lower": math.floor, "higher": math.ceil, "nearest": builtins.round}[interpolation](rank))
            below.append(int(rank))
            above.append(math.ceil(rank))
            weights.append(0.5 if interpolation == "midpoint" else rank - int(rank))
    rank_shape = tuple(in_shape[:-1]) + (len(qs),)
    from .indexing import gather

    result = gather(ordered, -1, Tensor._from_values(below, rank_shape, _dtype.int64))
    if interpolation in ("linear", "midpoint"):
        result = pointwise.lerp(
            result,
            gather(ordered, -1, Tensor._from_values(above, rank_shape, _dtype.int64)),
            Tensor._from_values(weights, rank_shape, input.dtype),
        )
    if q.dim() == 0:
        return _in_place_view(
            "SqueezeBackward4", result, lambda t: views.squeeze(t, -1), lambda grad: views.unsqueeze(grad, -1)
        )
    result = _in_place_view(
        "UnsqueezeBackward1", result, lambda t: views.unsqueeze(t, 0), lambda grad: views.squeeze(grad, 0)
    )
    result = _in_place_view(
        "TransposeBackward1", result, lambda t: views.transpose(t, 0, -1), lambda grad: views.transpose(grad, 0, -1)
    )
    return _in_place_view(
        "SqueezeBackward4", result, lambda t: views.squeeze(t, -1), lambda grad: views.unsqueeze(grad, -1)
    )


def _in_place_view(name, input, change, backward):
    """ATen's in-place view ops (squeeze_, unsqueeze_, transpose_) on its own result: their nodes' names."""
    out = change(input.detach())
    return record(name, out, (input,), lambda grad: (backward(grad),))


@op(out=True)
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


@op(out=True)
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)
