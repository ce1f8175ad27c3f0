"""Shape ops. The views (view, t, transpose, permute, squeeze, unsqueeze, expand, select, slicing) share the
input's storage; each records a node whose backward maps the gradient back to the input's shape."""

from .._tensor import contiguous_strides
from ..autograd.graph import record
from . import pointwise
from .registry import method, op


def _shape_arg(shape):
    """Sizes given as varargs or as one sequence: view(2, 3) and view((2, 3)) alike."""
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def infer_size(shape, numel):
    """Replace a single -1 in `shape` by the size that makes it hold `numel` elements."""
    known = 1
    for size in shape:
        if size != -1:
            known *= size
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape and known == 0 and numel == 0:
        raise RuntimeError(
            f"cannot reshape tensor of 0 elements into shape [{', '.join(map(str, shape))}] because "
            "the unspecified dimension size -1 can be any value and is ambiguous"
        )
    if -1 in shape and known != 0 and numel % known == 0:
        return tuple(numel // known if s == -1 else s for s in shape)
    if known != numel or -1 in shape:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return shape


def _view_strides(old_shape, old_strides, new_shape):
    """Strides that let new_shape view the same elements, or None when the layout does not allow it
    (a port of ATen's computeStride: merge runs of old dims that are contiguous with each other)."""
    if not old_shape:
        return (1,) * len(new_shape)
    if 0 in old_shape:  # no elements: the old strides for the same shape, else contiguous ones (as NumPy)
        return tuple(old_strides) if tuple(old_shape) == tuple(new_shape) else contiguous_strides(new_shape)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base_stride = old_strides[-1]
    tensor_numel, view_numel = 1, 1
    for tensor_d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[tensor_d]
        if tensor_d == 0 or (
            old_shape[tensor_d - 1] != 1 and old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride
        ):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel, view_numel = 1, 1
    return tuple(new_strides) if view_d == -1 else None


@method
def view(input, *shape):
    shape = infer_size(_shape_arg(shape), input.numel())
    strides = _view_strides(input._shape, input._stride, shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension "
            "spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    out = input._alias(shape, strides, input._offset)
    return record("ViewBackward0", out, (input,), lambda grad: (reshape(grad, input._shape),))


@method
def view_as(input, other):
    return view(input, other._shape)


@op
def reshape(input, *shape):
    """A view when the layout allows one (view, or _reshape_alias for a non-contiguous input, as ATen names them);
    otherwise a contiguous copy viewed (clone + _unsafe_view in ATen)."""
    shape = infer_size(_shape_arg(shape), input.numel())
    strides = _view_strides(input._shape, input._stride, shape)
    if strides is not None:
        if input.is_contiguous():
            return view(input, shape)
        out = input._alias(shape, strides, input._offset)  # ATen's _reshape_alias
        return record("ReshapeAliasBackward0", out, (input,), lambda grad: (reshape(grad, input._shape),))
    copy = pointwise.clone(input)
    out = copy._alias(shape, contiguous_strides(shape), 0)
    return record("UnsafeViewBackward0", out, (copy,), lambda grad: (reshape(grad, copy._shape),))


@method
def reshape_as(input, other):
    return reshape(input, other._shape)


@op
def flatten(input, start_dim=0, end_dim=-1):
    if input.dim() == 0:
        return reshape(input, (1,))
    start, end = input._dim(start_dim), input._dim(end_dim)
    if start == end:
        return input
    shape = input._shape
    merged = 1
    for size in shape[start : end + 1]:
        merged *= size
    return reshape(input, shape[:start] + (merged,) + shape[end + 1 :])


@op
def unsqueeze(input, dim):
    rank = input.dim() + 1
    if not -rank <= dim < rank:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})")
    dim %= rank
    stride = input._stride[dim] * input._shape[dim] if dim < input.dim() else 1
    out = input._alias(
        input._shape[:dim] + (1,) + input._shape[dim:],
        input._stride[:dim] + (stride,) + input._stride[dim:],
        input._offset,
    )
    return record("UnsqueezeBackward0", out, (input,), lambda grad: (squeeze(grad, dim),))


@op
def squeeze(input, dim=None):
    if dim is None:
        dims, name = [d for d, size in enumerate(input._shape) if size == 1], "SqueezeBackward0"
    elif isinstance(dim, int):
        dims, name = [input._dim(dim)] if input.dim() else [], "SqueezeBackward1"
    else:
        dims, name = sorted(input._dim(d) for d in dim), "SqueezeBackward2"
    dims = [d for d in dims if input._shape[d] == 1]
    kept = [d for d in range(input.dim()) if d not in dims]
    out = input._alias([input._shape[d] for d in kept], [input._stride[d] for d in kept], input._offset)
    return record(name, out, (input,), lambda grad: (reshape(grad, input._shape),))


def _swap(input, dim0, dim1):
    order = list(range(input.dim()))
    if input.dim():
        dim0, dim1 = input._dim(dim0), input._dim(dim1)
        order[dim0], order[dim1] = order[dim1], order[dim0]
    return input._alias([input._shape[d] for d in order], [input._stride[d] for d in order], input._offset)


@op
def t(input):
    if input.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    return record("TBackward0", _swap(input, 0, -1), (input,), lambda grad: (t(grad),))


@op
def transpose(input, dim0, dim1):
    out = _swap(input, dim0, dim1)
    return record("TransposeBackward0", out, (input,), lambda grad: (transpose(grad, dim0, dim1),))


@op
def permute(input, *dims):
    dims = [input._dim(d) for d in _shape_arg(dims)]
    if sorted(dims) != list(range(input.dim())):
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            "of the desired ordering of dimensions i.e. input.dim() = "
            f"{input.dim()} is not equal to len(dims) = {len(dims)}"
        )
    out = input._alias([input._shape[d] for d in dims], [input._stride[d] for d in dims], input._offset)
    inverse = [dims.index(d) for d in range(len(dims))]
    return record("PermuteBackward0", out, (input,), lambda grad: (permute(grad, inverse),))


def expanded(input, shape):
    """A stride-0 view of `input` broadcast to `shape` (no autograd): what broadcasting ops read."""
    lead = len(shape) - input.dim()
    strides = [0] * lead
    for size, own, stride in zip(shape[lead:], input._shape, input._stride):
        if own == size:
            strides.append(stride)
        elif own == 1:
            strides.append(0)
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({size}) must match the existing size ({own}) at "
                f"non-singleton dimension {len(strides)}.  Target sizes: {list(shape)}.  "
                f"Tensor sizes: {list(input._shape)}"
            )
    return input._alias(shape, strides, input._offset)


@method
def expand(input, *sizes):
    sizes = _shape_arg(sizes)
    lead = len(sizes) - input.dim()
    shape = tuple(own if size == -1 else size for size, own in zip(sizes, (None,) * lead + input._shape))
    out = expanded(input, shape)
    from .reduction import sum_to

    return record("ExpandBackward0", out, (input,), lambda grad: (sum_to(grad, input._shape),))


@method
def expand_as(input, other):
    return expand(input, other._shape)


@op
def select(input, dim, index):
    return _select(input, input._dim(dim), index, "SelectBackward0")


def _select(input, dim, index, name):
    size = input._shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    index %= size
    out = input._alias(
        input._shape[:dim] + input._shape[dim + 1 :],
        input._stride[:dim] + input._stride[dim + 1 :],
        input._offset + index * input._stride[dim],
    )

    def backward(grad):
        full = pointwise.zeros_of(input._shape, grad.dtype)
        select(full, dim, index)._write(grad._values())
        return (full,)

    return record(name, out, (input,), backward)


def _slice(input, dim, start, stop, step):
    if step <= 0:
        raise ValueError("step must be greater than zero")
    size = input._shape[dim]
    start, stop, _ = slice(start, stop).indices(size)
    length = max(0, (stop - start + step - 1) // step)
    shape = input._shape[:dim] + (length,) + input._shape[dim + 1 :]
    strides = input._stride[:dim] + (input._stride[dim] * step,) + input._stride[dim + 1 :]
    out = input._alias(shape, strides, input._offset + start * input._stride[dim])

    def backward(grad):
        full = pointwise.zeros_of(input._shape, grad.dtype)
        _slice(full, dim, start, stop, step)._write(grad._values())
        return (full,)

    return record("SliceBackward0", out, (input,), backward)


@op
def narrow(input, dim, start, length):
    dim = input._dim(dim)
    start %= max(input._shape[dim], 1)
    return _slice(input, dim, start, start + length, 1)


@op
def unbind(input, dim=0):
    dim = input._dim(dim)
    return tuple(_select(input, dim, i, "UnbindBackward0") for i in range(input._shape[dim]))
