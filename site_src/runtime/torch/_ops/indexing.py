"""Indexing: Tensor.__getitem__/__setitem__ with PyTorch's basic and advanced indexing, index_put, and the ops that
gather or scatter along a dim (index_select, gather, scatter, scatter_add, index_add, index_copy, index_fill, take,
put_, masked_select, masked_scatter, nonzero).

__getitem__ ports ATen's applySlicing (TensorIndexing.h): ints select, slices slice, None and bools unsqueeze, and
index tensors (lists become tensors) are collected per dim and applied by one `index` op. `index` ports make_info
(TensorAdvancedIndexing.cpp): boolean masks become their nonzero() columns, the index tensors broadcast together,
and when the indexed dims are not adjacent they move to the front. Sums of duplicate positions (index_put with
accumulate=True, the backward of indexing, scatter_add, index_add) add one value at a time in the order ATen's CPU
kernels visit them, each sum rounded to the tensor's dtype, so gradients are exact.
"""

import math
import warnings

from .. import _dtype
from .._tensor import Tensor
from .._unsupported import unsupported
from ..autograd.grad_mode import no_grad
from ..autograd.graph import Node, edge, needs_grad, record
from . import creation, pointwise, reduction, views
from .registry import method, op
from .shape import offsets, wrap_dim


def _long(values, shape):
    return Tensor._from_values(values, shape, _dtype.int64)


def _type_word(dtype):
    return pointwise._type_word(dtype)


# ---- the index op: positions of input's elements picked by a list of index tensors ------------------------------
def _expand_masks(input, indices):
    """Bool masks replaced by one long tensor per mask dim (their nonzero() columns), as ATen's expandTensors."""
    result = []
    for index in indices:
        if index is None or index.dtype is not _dtype.bool:
            if index is not None and index.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            result.append(index)
            continue
        at = len(result)
        for j, size in enumerate(index._shape):
            if at + j >= input.dim() or size != input._shape[at + j]:
                raise IndexError(
                    f"The shape of the mask {list(index._shape)} at index {j} does not match the shape "
                    f"of the indexed tensor {list(input._shape)} at index {at + j}"
                )
        found = _nonzero_coords(index)
        result.extend(_long([c[j] for c in found], (len(found),)) for j in range(index.dim()))
    return result


def _locate(input, indices):
    """(shape of input[indices], storage position of each of its elements): ATen's make_info and index kernel."""
    indices = _expand_masks(input, list(indices))
    if len(indices) > input.dim():
        raise IndexError(f"too many indices for tensor of dimension {input.dim()}")
    indices += [None] * (input.dim() - len(indices))
    where = [d for d, index in enumerate(indices) if index is not None]
    shapes = [indices[d]._shape for d in where]
    try:
        index_shape = pointwise.broadcast_shapes(*shapes)
    except RuntimeError:
        raise IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with shapes "
            + ", ".join(str(list(s)) for s in shapes)
        ) from None
    if where == list(range(where[0], where[-1] + 1)):
        before, after = list(range(where[0])), list(range(where[-1] + 1, input.dim()))
    else:  # separated index tensors: their dims go first (ATen's transposeToFront)
        before, after = [], [d for d in range(input.dim()) if d not in where]
    shape = tuple(input._shape[d] for d in before) + index_shape + tuple(input._shape[d] for d in after)
    columns = [views.expanded(indices[d], index_shape)._values() for d in where]
    check = math.prod(shape) > 0  # ATen's kernel checks bounds as it visits elements: none visited, none checked
    middle = []
    for b in range(math.prod(index_shape)):
        position = 0
        for j, d in enumerate(where):
            value, size = columns[j][b], input._shape[d]
            if check and not -size <= value < size:
                raise IndexError(f"index {value} is out of bounds for dimension {j} with size {size}")
            position += (value % size if size else 0) * input._stride[d]
        middle.append(position)
    outer = offsets([range(input._shape[d]) for d in before], [input._stride[d] for d in before])
    inner = offsets([range(input._shape[d]) for d in after], [input._stride[d] for d in after])
    base = input._offset
    return shape, [base + o + m + i for o in outer for m in middle for i in inner]


def advanced_index(input, indices):
    """input[indices] for a list of index tensors (None where a dim is not indexed): aten::index."""
    shape, positions = _locate(input, indices)
    storage = input._storage
    out = Tensor._from_values([storage[p] for p in positions], shape, input.dtype)
    return record(
        "IndexBackward0",
        out,
        (input,),
        lambda grad: (index_put(pointwise.zeros_of(input._shape, grad.dtype), indices, grad, True),),
    )


@op(in_place=True)
def index_put(input, indices, values, accumulate=False):
    indices = list(indices)
    if values.dtype is not input.dtype:
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got "
            f"{_type_word(input.dtype)} for the destination and {_type_word(values.dtype)} for the "
            "source."
        )
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    shape, positions = _locate(out, indices)
    try:
        source = views.expanded(values, shape)._values()
    except RuntimeError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(values._shape)} cannot be broadcast to "
            f"indexing result of shape {list(shape)}"
        ) from None
    _store(out, positions, source, accumulate)

    def backward(grad):
        grad_input = grad if accumulate else index_put(grad, indices, pointwise.zeros_of((), grad.dtype))
        grad_values = reduction.sum_to(advanced_index(grad, indices), values._shape) if values.requires_grad else None
        return grad_input, grad_values

    return record("IndexPutBackward0", out, (input, values), backward)


def _store(out, positions, values, accumulate):
    """Write values at storage positions of `out` (a fresh tensor): later writes win, or with accumulate each value
    is added in turn, the running sum rounded to out's dtype at every step as ATen's serial CPU loop does."""
    storage, cast = out._storage, out.dtype.cast
    if accumulate:
        for p, v in zip(positions, values):
            storage[p] = cast(storage[p] + v)
    else:
        for p, v in zip(positions, values):
            storage[p] = v


# ---- Tensor.__getitem__ and __setitem__ -------------------------------------------------------------------------
_DEPRECATED_SEQUENCE = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed "
    "in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted "
    "as tensor index, x[torch.tensor(seq)], which will result either in an error or a different "
    "result"
)


def _items(index):
    """The index as a tuple of items, with PyTorch's (NumPy's) rule for a list that holds slices or sequences."""
    if isinstance(index, tuple):
        return index
    if (
        isinstance(index, list)
        and len(index) < 32
        and any(isinstance(i, (Tensor, list, tuple, slice)) or i is None or i is Ellipsis for i in index)
    ):
        warnings.warn(_DEPRECATED_SEQUENCE, UserWarning, stacklevel=3)
        return tuple(index)
    return (index,)


def _index_tensor(item):
    """A list (or tuple) used as an index, as the long (or bool) tensor PyTorch makes of it."""
    if isinstance(item, str):
        raise TypeError("new(): invalid data type 'str'")
    t = creation.tensor(item)
    return t if t.dtype in (_dtype.bool, _dtype.int64) else pointwise.to_dtype(t, _dtype.int64)


def _normalize(item):
    if item is None or item is Ellipsis or isinstance(item, (bool, int, slice)):
        return item
    if isinstance(item, Tensor):
        if item.dim() == 0 and not item.dtype.is_floating_point:
            return bool(item.item()) if item.dtype is _dtype.bool else int(item.item())
        return item
    if isinstance(item, (list, tuple, range)):
        return _index_tensor(list(item))
    if hasattr(item, "__index__"):
        return item.__index__()
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
        f"indices (got {type(item).__name__})"
    )


def _slicing(input, items, single):
    """ATen's applySlicing: the basic items applied as views; returns (view, index tensors by dim)."""
    specified = sum(
        item.dim() if isinstance(item, Tensor) and item.dtype is _dtype.bool else 1
        for item in items
        if not (item is None or item is Ellipsis or isinstance(item, bool))
    )
    if specified > input.dim():
        raise IndexError(f"too many indices for tensor of dimension {input.dim()}")
    out, dim, tensors = input, 0, []

    def add_index(tensor):
        nonlocal dim
        tensors.extend([None] * (dim + 1 - len(tensors)))
        tensors[dim] = tensor
        dim += 1

    for real_dim, item in enumerate(items):
        if item is None:
            out = views.unsqueeze(out, dim)
            dim += 1
        elif item is Ellipsis:
            dim += input.dim() - specified
        elif isinstance(item, bool):
            out = views.unsqueeze(out, dim)
            add_index(_long([0] if item else [], (int(item),)))
        elif isinstance(item, int):
            size = out._shape[dim]
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for dimension {real_dim} with size {size}")
            out = views.select(out, dim, item)
        elif isinstance(item, slice):
            start, stop, step = (s if s is None else _normalize(s) for s in (item.start, item.stop, item.step))
            step = 1 if step is None else step
            # A slice over the whole dim is skipped (no SliceBackward0), except when it is the only index.
            if single or slice(start, stop, step).indices(out._shape[dim]) != (0, out._shape[dim], 1):
                out = views._slice(out, dim, start, stop, step)
            dim += 1
        else:
            add_index(item)
    return out, tensors


@method
def __getitem__(input, index):
    items = tuple(_normalize(item) for item in _items(index))
    out, tensors = _slicing(input, items, single=not isinstance(index, tuple) and len(items) == 1)
    if tensors:
        return advanced_index(out, tensors)
    if out is input:  # x[...] and x[:, :] give a new view of the whole tensor, recorded as AliasBackward0
        out = input._alias(input._shape, input._stride, input._offset)
        return record("AliasBackward0", out, (input,), lambda grad: (grad,))
    return out


def _strip_leading_ones(value):
    """NumPy's rule kept by PyTorch: leading size-1 dims of an assigned value are dropped (slicePrefix1sSize)."""
    shape = value._shape
    lead = 0
    while lead < len(shape) and shape[lead] == 1:
        lead += 1
    return views.view(value, shape[lead:]) if lead else value


@method
def __setitem__(input, index, value):
    items = tuple(_normalize(item) for item in _items(index))
    if len(items) == 1 and items[0] is False:
        return
    if target_in_graph := (
        needs_grad(input, value) and input._base is None and not (input.is_leaf and input.requires_grad)
    ):
        with no_grad():  # the view is taken without a node: CopySlices below stands for the whole write
            target, tensors = _slicing(input, items, single=False)
    else:
        target, tensors = _slicing(input, items, single=False)
    if target_in_graph and target is not input:
        return _copy_slices(input, target, tensors, value)
    _set(input, target, tensors, value)


def _set(input, target, tensors, value):
    if not isinstance(value, Tensor):
        if not tensors:
            pointwise.fill_(target, value)
            return
        value = Tensor._from_values([input.dtype.cast(value)], (), input.dtype)
    if not tensors:
        if value._shape != target._shape and value.dim() != 0:
            value = _strip_leading_ones(value)
            if value.dim() > target.dim():
                raise RuntimeError(
                    f"expand({value.type()}{{{list(value._shape)}}}, size={list(target._shape)}): the "
                    f"number of sizes provided ({target.dim()}) must be greater or equal to the number "
                    f"of dimensions in the tensor ({value.dim()})"
                )
        pointwise.copy_(target, value)
        return
    target.index_put_(tensors, _strip_leading_ones(value))


class CopySlices(Node):
    """The node PyTorch puts on a tensor when part of it (a view) is written in place: its backward gives the
    written region's gradient to the value, the rest to the tensor's previous history."""

    def name(self):
        return "torch::autograd::CopySlices"


CopySlices.__module__ = "builtins"


def _copy_slices(input, target, tensors, value):
    """input[view] = value (view given by `target`, then by index `tensors` if any) on a tensor in the graph."""
    with no_grad():
        _set(input, target.detach(), tensors, value.detach() if isinstance(value, Tensor) else value)
    where = {p: i for i, p in enumerate(input._positions())}
    region = [where[p] for p in target._positions()]
    shape = target._shape

    def backward(grad):
        values = list(grad._values())
        part = Tensor._from_values([values[i] for i in region], shape, grad.dtype)
        grad_value = None
        if tensors:  # index_put_ on the view: its own backward, inside the region
            if isinstance(value, Tensor) and value.requires_grad:
                grad_value = reduction.sum_to(advanced_index(part, tensors), value._shape)
            part = index_put(part, tensors, pointwise.zeros_of((), grad.dtype))
        else:
            if isinstance(value, Tensor) and value.requires_grad:
                grad_value = reduction.sum_to(part, value._shape)
            part = pointwise.zeros_of(shape, grad.dtype)
        for i, v in zip(region, part._values()):
            values[i] = v
        if grad_value is not None and grad_value.dtype is not value.dtype:
            grad_value = pointwise.to_dtype(grad_value, value.dtype)
        return Tensor._from_values(values, grad._shape, grad.dtype), grad_value

    node = CopySlices((edge(input), edge(value)), backward, outputs=(input,))
    input._set_grad_fn(node)


# ---- ops along a dim --------------------------------------------------------------------------------------------
def _index_list(index, name):
    if index.dim() > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")
    return list(index._values())


def _along(shape, dim, picks):
    """Storage positions in a contiguous tensor of `shape` of the slices picks[i] along dim (row-major order of a
    tensor whose dim holds len(picks) slices)."""
    strides = views.contiguous_strides(shape)
    maps = [range(size) for size in shape]
    maps[dim] = picks
    return offsets(maps, strides)


@op(out=True)
def index_select(input, dim, index):
    dim = wrap_dim(dim, input.dim())
    picks = _index_list(index, "index_select")
    size = input._shape[dim] if input.dim() else 1
    if any(not 0 <= p < size for p in picks):  # index_select does not wrap negative indices
        raise IndexError("index out of range in self")
    if input.dim() == 0:
        out = pointwise.clone(input.detach())
    else:
        from .shape import pick

        maps = [range(s) for s in input._shape]
        maps[dim] = picks
        out = pick(input, maps)
    return record(
        "IndexSelectBackward0",
        out,
        (input,),
        lambda grad: (index_add(pointwise.zeros_of(input._shape, grad.dtype), dim, index, grad),),
    )


def _check_dim_index(input, dim, index, source, name, error=RuntimeError):
    picks = _index_list(index, name)
    size = input._shape[dim] if input.dim() else 1
    for p in picks:
        if not -size <= p < size:
            prefix = f"{name}(): " if error is IndexError and name == "index_copy_" else ""
            raise error(f"{prefix}index {p} is out of bounds for dimension {dim} with size {size}")
    return [p % size for p in picks]


@op(in_place=True)
def index_add(input, dim, index, source, *, alpha=1):
    dim = wrap_dim(dim, input.dim())
    picks = _index_list(index, "index_add")
    if input.dim() and len(picks) != (source._shape[dim] if source.dim() else 1):
        raise RuntimeError(
            f"index_add_(): Number of indices ({len(picks)}) should be equal to source.size(dim): "
            f"({source._shape[dim] if source.dim() else 1}), for dim: {dim}"
        )
    picks = _check_dim_index(input, dim, index, source, "index_add")
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    if alpha != 1:  # ATen adds source * alpha (one multiply-add per element) slice by slice
        scaled = pointwise.add(pointwise.zeros_of(source._shape, source.dtype), source.detach(), alpha=alpha)
    else:
        scaled = source.detach()
    if input.dim():
        _store(out, _along(input._shape, dim, picks), scaled._values(), True)
    else:
        _store(out, [0] * len(picks), scaled._values(), True)

    def backward(grad):
        grad_source = None
        if source.requires_grad:
            grad_source = index_select(grad, dim, index) if input.dim() else grad
            grad_source = views.expand(grad_source, source._shape) if source.dim() else views.reshape(grad_source, ())
            if alpha != 1:
                grad_source = pointwise.mul(grad_source, alpha)
        return grad, grad_source

    return record("IndexAddBackward0", out, (input, source), backward)


@op(in_place=True)
def index_copy(input, dim, index, source):
    dim = wrap_dim(dim, input.dim())
    picks = _check_dim_index(input, dim, index, source, "index_copy_", IndexError)
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    positions = _along(input._shape, dim, picks) if input.dim() else [0] * len(picks)
    _store(out, positions, source._values(), False)
    return record(
        "IndexCopyBackward0",
        out,
        (input, source),
        lambda grad: (
            index_fill(grad, dim, index, 0),
            index_select(grad, dim, index) if source.requires_grad else None,
        ),
    )


@op(in_place=True)
def index_fill(input, dim, index, value):
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.dim()} dimension(s)."
            )
        if value.requires_grad:
            raise unsupported("torch.index_fill with a value tensor that requires grad")
        value = value.item()
    dim = wrap_dim(dim, input.dim())
    picks = _check_dim_index(input, dim, index, None, "index_fill", IndexError)
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    positions = _along(input._shape, dim, picks) if input.dim() else [0] * len(picks)
    _store(out, positions, [input.dtype.cast(value)] * len(positions), False)
    return record("IndexFillBackward0", out, (input,), lambda grad: (index_fill(grad, dim, index, 0),))


# ---- gather and scatter -----------------------------------------------------------------------------------------
def _scatter_positions(input, dim, index, src, name):
    """For each element of index (row-major), the position in contiguous `input` it names along dim; checks
    shapes and bounds with ATen's messages."""
    if index.dtype is not _dtype.int64:
        raise RuntimeError(
            f"{name}(): Expected dtype int64 for index"
            if name != "gather"
            else "gather(): Expected dtype int32/int64 for index"
        )
    rank = max(input.dim(), 1)
    if max(index.dim(), 1) != rank and index.numel():
        raise RuntimeError(
            "Index tensor must have the same number of dimensions as input tensor"
            if name == "gather"
            else "Index tensor must have the same number of dimensions as self tensor"
        )
    ishape = input._shape or (1,)
    xshape = index._shape or (1,)
    for d in range(rank):
        too_big = (d != dim and xshape[d] > ishape[d]) or (src is not None and xshape[d] > (src._shape or (1,))[d])
        if too_big and index.numel():
            if src is None:
                raise RuntimeError(
                    f"Size does not match at dimension {d} expected index {list(index._shape)} to be "
                    f"no larger than self {list(input._shape)} apart from dimension {dim}"
                )
            raise RuntimeError(
                f"Expected index {list(index._shape)} to be no larger than self "
                f"{list(input._shape)} apart from dimension {dim} and to be no larger size than src "
                f"{list(src._shape)}"
            )
    strides = views.contiguous_strides(ishape)
    size = ishape[dim]
    positions = []
    values = index._values()
    coords = offsets([range(s) for s in xshape[:dim]] + [[0]] + [range(s) for s in xshape[dim + 1 :]], strides)
    # coords[k] is the position of index element k with its dim coordinate zeroed (row-major over index's shape)
    inner = math.prod(xshape[dim + 1 :])
    for k, value in enumerate(values):
        if not 0 <= value < size:  # gather and scatter do not wrap negative indices
            raise RuntimeError(f"index {value} is out of bounds for dimension {dim} with size {size}")
        outer_k = (k // (inner * xshape[dim])) * inner + k % inner
        positions.append(coords[outer_k] + value * strides[dim])
    return positions


def _src_values(src, index):
    """src's elements at index's coordinates (src may be larger than index), row-major over index's shape."""
    from .shape import pick

    if not src.dim():
        return src._values()
    return pick(src, [range(s) for s in index._shape])._values()


@op(out=True)
def gather(input, dim, index, *, sparse_grad=False):
    if sparse_grad:
        raise unsupported("torch.gather(sparse_grad=True)")
    dim = wrap_dim(dim, input.dim())
    positions = _scatter_positions(input, dim, index, None, "gather")
    values = input._values()
    out = Tensor._from_values([values[p] for p in positions], index._shape, input.dtype)
    return record(
        "GatherBackward0",
        out,
        (input,),
        lambda grad: (scatter_add(pointwise.zeros_of(input._shape, grad.dtype), dim, index, grad),),
    )


@op(in_place=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if reduce is not None:
        raise unsupported(f"torch.scatter(reduce={reduce!r})")
    if src is None:
        src = value
    dim = wrap_dim(dim, input.dim())
    is_tensor = isinstance(src, Tensor)
    if is_tensor and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    positions = _scatter_positions(input, dim, index, src if is_tensor else None, "scatter")
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    values = _src_values(src, index) if is_tensor else [input.dtype.cast(src)] * len(positions)
    _store(out, positions, values, False)  # duplicates: ATen's CPU loop goes along dim, so the last one wins
    if is_tensor:
        return record(
            "ScatterBackward0",
            out,
            (input, src),
            lambda grad: (
                scatter(grad, dim, index, 0.0),
                _pad_to(gather(grad, dim, index), src, "ScatterBackward0") if src.requires_grad else None,
            ),
        )
    return record("ScatterBackward1", out, (input,), lambda grad: (scatter(grad, dim, index, 0.0),))


def _pad_to(grad, src, name):
    """src's gradient: PyTorch's engine refuses it when src is larger than index (and so does this)."""
    if grad._shape != src._shape and grad.numel() != src.numel():
        raise RuntimeError(
            f"Function {name} returned an invalid gradient at index 1 - got {list(grad._shape)} but "
            f"expected shape compatible with {list(src._shape)}"
        )
    return grad


@op(in_place=True)
def scatter_add(input, dim, index, src):
    dim = wrap_dim(dim, input.dim())
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    positions = _scatter_positions(input, dim, index, src, "scatter_add")
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    # ATen's CPU loop walks each line along dim in order, adding one value at a time into self
    _store(out, positions, _src_values(src, index), True)
    return record(
        "ScatterAddBackward0",
        out,
        (input, src),
        lambda grad: (
            grad,
            _pad_to(gather(grad, dim, index), src, "ScatterAddBackward0") if src.requires_grad else None,
        ),
    )


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _reduce_max(a, b):
    return b if math.isnan(b) or b > a else a  # NaN from src wins; a NaN already there stays (std::max keeps it)


def _reduce_min(a, b):
    return b if math.isnan(b) or b < a else a


@op(in_place=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    dim = wrap_dim(dim, input.dim())
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    positions = _scatter_positions(input, dim, index, src, "scatter_reduce")
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    storage, cast = out._storage, input.dtype.cast
    values = _src_values(src, index)
    if not include_self:  # ATen first scatters the reduction's identity into the positions written
        identity = {"sum": 0, "mean": 0, "prod": 1, "amax": -math.inf, "amin": math.inf}[reduce]
        for p in positions:
            storage[p] = cast(identity)
    combine = {
        "sum": lambda a, b: a + b,
        "mean": lambda a, b: a + b,
        "prod": lambda a, b: a * b,
        "amax": _reduce_max,
        "amin": _reduce_min,
    }[reduce]
    for p, v in zip(positions, values):  # one value at a time along dim, rounded at each step (ATen's CPU loop)
        storage[p] = cast(combine(storage[p], v))
    counts = None
    if reduce == "mean":
        counts = [1 if include_self else 0] * out.numel()
        for p in positions:
            counts[p] += 1
        counts = Tensor._from_values([c or 1 for c in counts], input._shape, input.dtype)
        divided = pointwise.div(out, counts) if input.dtype.is_floating_point else pointwise.floor_divide(out, counts)
        out = divided.detach()
    written = Tensor._from_values([False] * input.numel(), input._shape, _dtype.bool)
    for p in positions:
        written._storage[p] = True

    def backward(grad):
        if reduce == "sum":
            grad_self, grad_src = grad, gather(grad, dim, index)
        elif reduce == "mean":
            grad_self, grad_src = (
                pointwise.div(grad, counts),
                pointwise.div(gather(grad, dim, index), gather(counts, dim, index)),
            )
        elif reduce in ("amax", "amin"):
            value = gather(out, dim, index)
            self_is = pointwise.eq(input, out)
            src_is = pointwise.eq(src, value)
            shares = scatter_add(
                pointwise.to_dtype(self_is, grad.dtype), dim, index, pointwise.to_dtype(src_is, grad.dtype)
            )
            distributed = pointwise.div(grad, shares)
            grad_self = pointwise.mul(self_is, distributed)
            grad_src = pointwise.mul(src_is, gather(distributed, dim, index))
        else:
            raise unsupported("the gradient of torch.scatter_reduce(reduce='prod')")
        if not include_self:
            grad_self = pointwise.masked_fill(grad_self, written, 0)
        return grad_self, _pad_to(grad_src, src, "ScatterReduceBackward0") if src.requires_grad else None

    return record("ScatterReduceBackward0", out, (input, src), backward)


# ---- flat positions: take, put ----------------------------------------------------------------------------------
def _flat_positions(input, index):
    n = input.numel()
    positions = []
    for value in index._values():
        if not -n <= value < n:
            raise IndexError(f"out of range: tried to access index {value} on a tensor of {n} elements.")
        positions.append(value % n)
    return positions


@op
def take(input, index):
    positions = _flat_positions(input, index)
    values = input._values()
    out = Tensor._from_values([values[p] for p in positions], index._shape, input.dtype)
    return record(
        "TakeBackward0",
        out,
        (input,),
        lambda grad: (put(pointwise.zeros_of(input._shape, grad.dtype), index, grad, True),),
    )


@op(in_place=True)
def put(input, index, source, accumulate=False):
    if source.numel() != index.numel():
        raise IndexError(
            "put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source.numel()}, index.numel() = {index.numel()}"
        )
    positions = _flat_positions(input, index)
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    _store(out, positions, source._values(), accumulate)
    return record(
        "PutBackward0",
        out,
        (input, source),
        lambda grad: (
            grad if accumulate else put(grad, index, pointwise.zeros_of(source._shape, grad.dtype)),
            views.reshape(take(grad, index), source._shape) if source.requires_grad else None,
        ),
    )


@op
def take_along_dim(input, indices, dim=None):
    if dim is None:
        return gather(views.view(input, (-1,)), 0, views.view(indices, (-1,)))
    if input.dim() != indices.dim():
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of dimensions, "
            f"but got {input.dim()} dimensions for input, and {indices.dim()} dimensions for indices"
        )
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {indices.dtype.name}")
    dim = wrap_dim(dim, input.dim())
    sizes = list(input._shape)
    sizes[dim] = indices._shape[dim]
    indices = views.expand(indices, pointwise.broadcast_shapes(sizes, indices._shape))
    sizes = list(indices._shape)
    sizes[dim] = input._shape[dim]
    input = views.expand(input, pointwise.broadcast_shapes(sizes, input._shape))
    return gather(input, dim, indices)


# ---- masks ------------------------------------------------------------------------------------------------------
def _nonzero_coords(input):
    if input.dim() == 0:
        return [()] if input._values()[0] else []
    strides = views.contiguous_strides(input._shape)
    return [tuple(k // s % n for s, n in zip(strides, input._shape)) for k, v in enumerate(input._values()) if v]


@op
def nonzero(input, *, as_tuple=False):
    coords = _nonzero_coords(input)
    if as_tuple:
        if input.dim() == 0:
            return (_long([0] * len(coords), (len(coords),)),)
        return tuple(_long([c[d] for c in coords], (len(coords),)) for d in range(input.dim()))
    return _long([i for c in coords for i in c], (len(coords), input.dim()))


@op
def argwhere(input):
    return nonzero(input)


def _check_mask(mask, name):
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(f"{name}: expected BoolTensor for mask")


@op
def masked_select(input, mask):
    _check_mask(mask, "masked_select")
    shape = pointwise.broadcast_shapes(mask._shape, input._shape)
    values = views.expanded(input, shape)._values()
    chosen = views.expanded(mask, shape)._values()
    out = Tensor._from_values([v for v, m in zip(values, chosen) if m], (sum(map(bool, chosen)),), input.dtype)

    def backward(grad):
        full = masked_scatter(pointwise.zeros_of(shape, grad.dtype), views.expanded(mask, shape), grad)
        return (reduction.sum_to(full, input._shape),)

    return record("MaskedSelectBackward0", out, (input,), backward)


@op(in_place=True)
def masked_scatter(input, mask, source):
    _check_mask(mask, "masked_scatter_")
    chosen = views.expanded(mask, input._shape)._values()
    count = sum(map(bool, chosen))
    if count > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    out = Tensor._from_values(input._values(), input._shape, input.dtype)
    positions = [k for k, m in enumerate(chosen) if m]
    _store(out, positions, source._values()[:count], False)

    def backward(grad):
        grad_source = None
        if source.requires_grad:
            picked = masked_select(grad, mask)._values()
            grad_source = Tensor._from_values(list(picked) + [0] * (source.numel() - count), source._shape, grad.dtype)
        return pointwise.masked_fill(grad, mask, 0), grad_source

    return record("MaskedScatterBackward0", out, (input, source), backward)
