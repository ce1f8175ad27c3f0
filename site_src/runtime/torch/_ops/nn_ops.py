"""Neural-network ops: convolution and max pooling (through the hot kernels), softmax, and the losses."""

import math
from array import array

from .. import _dtype, _kernels
from .._tensor import Tensor
from .._unsupported import unsupported
from ..autograd.graph import record
from . import pointwise, reduction as reductions, views
from .activations import f32, fma32, libm_exp, sleef_exp, sleef_log

from .registry import op

_inf = float("inf")


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def _float32_buffer(tensor, what):
    """The contiguous float32 storage the kernels read (a copy only when the tensor is laid out otherwise)."""
    if tensor.dtype is not _dtype.float32:
        raise unsupported(f"{what} on {tensor.dtype} tensors (only float32)")
    values = tensor._values()
    return values if isinstance(values, array) else array("f", values)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if _pair(dilation) != (1, 1) or groups != 1:
        raise unsupported("torch.nn.functional.conv2d with dilation or groups")
    if isinstance(padding, str):
        if padding != "valid":
            raise unsupported(f"torch.nn.functional.conv2d(padding={padding!r})")
        padding = 0
    if input.dim() == 3:  # one unbatched image
        return views.squeeze(conv2d(views.unsqueeze(input, 0), weight, bias, stride, padding), 0)
    if input.dim() != 4:
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(input._shape)}")
    if input._shape[1] != weight._shape[1]:
        raise RuntimeError(f"Given groups=1, weight of size {list(weight._shape)}, expected input"
                           f"{list(input._shape)} to have {weight._shape[1]} channels, but got {input._shape[1]} "
                           "channels instead")
    stride, padding = _pair(stride), _pair(padding)
    x, w = _float32_buffer(input, "conv2d"), _float32_buffer(weight, "conv2d")
    b = _float32_buffer(bias, "conv2d") if bias is not None else None
    values, shape = _kernels.conv2d(x, input._shape, w, weight._shape, b, stride, padding)
    if min(shape) <= 0:
        raise RuntimeError("Calculated output size is too small")
    out = Tensor._make(values, shape, views.contiguous_strides(shape), 0, _dtype.float32)
    mask = tuple(t is not None and t.requires_grad for t in (input, weight, bias))

    def backward(grad):
        grads = _kernels.conv2d_backward(_float32_buffer(grad, "conv2d"), x, input._shape, w, weight._shape,
                                         stride, padding, mask)
        return tuple(Tensor._make(g, t._shape, views.contiguous_strides(t._shape), 0, _dtype.float32)
                     if g is not None else None for g, t in zip(grads, (input, weight, bias)))

    return record("ConvolutionBackward0", out, (input, weight, bias), backward, saved=(input, weight))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    if _pair(dilation) != (1, 1) or ceil_mode:
        raise unsupported("torch.nn.functional.max_pool2d with dilation or ceil_mode")
    kernel = _pair(kernel_size)
    stride = _pair(stride) if stride not in (None, ()) else kernel
    padding = _pair(padding)
    if any(p * 2 > k for p, k in zip(padding, kernel)):
        raise RuntimeError("pad should be at most half of effective kernel size, but got "
                           f"pad={padding[0]}, kernel_size={kernel[0]} and dilation=1")
    batched = input._shape if input.dim() == 4 else (1,) + input._shape
    x = _float32_buffer(input, "max_pool2d")
    values, indices, shape = _kernels.max_pool2d(x, batched, kernel, stride, padding)
    if min(shape) <= 0:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, input._shape[-3:]))}). Calculated output size: "
                           f"({'x'.join(map(str, shape[1:]))}). Output size is too small")
    out_shape = shape if input.dim() == 4 else shape[1:]
    out = Tensor._make(values, out_shape, views.contiguous_strides(out_shape), 0, _dtype.float32)

    def backward(grad):
        g = _kernels.max_pool2d_backward(_float32_buffer(grad, "max_pool2d"), indices, batched, shape)
        return (Tensor._make(g, input._shape, views.contiguous_strides(input._shape), 0, _dtype.float32),)

    record("MaxPool2DWithIndicesBackward0", out, (input,), backward)
    if return_indices:
        return out, Tensor._make(indices, out_shape, views.contiguous_strides(out_shape), 0, _dtype.int64)
    return out


# ---- softmax family ---------------------------------------------------------------------------------------------
# ATen's float32 kernels (native/cpu/SoftMaxKernel.cpp, LogSoftmaxKernelImpl.h) on the AVX512 machines torch 2.13
# dispatches them to: 16-float vectors. Along the last dim a row is reduced with vec::reduce_all (16 lane sums,
# folded as a tree); along another dim each column is reduced one step at a time, 16 columns per vector and the
# remaining columns in scalar code. exp and log are SLEEF's in vector code (emulated bit for bit in
# activations.py), the C library's in scalar code; GCC fuses `a - b * c` and `s += a * b` into FMAs (checked
# against torch 2.13), so those steps round once. A column kernel splits its columns between threads, which
# changes which columns are vector ones: this is the result of one thread (torch.set_num_threads(1)).
SOFTMAX_VECTOR = 16


def _softmax_dim(input, dim):
    if dim is None:  # PyTorch's legacy implicit choice (with a warning there)
        dim = 0 if input.dim() in (0, 1, 3) else 1
    return input._dim(dim)


def _vec_reduce(values, combine, first=None, fold=None, width=SOFTMAX_VECTOR):
    """vec::reduce_all over a row of floats: `width` lane accumulators folded as a tree (lane i with i + 8, then
    i + 4, i + 2, i + 1); a row shorter than a vector is folded left to right. `first` (default: the value itself)
    maps a lane's first value, `combine(acc, value, step)` adds each later one (step: "short" row, "main" loop or
    the partial vector of the "tail"), `fold` (default: combine) joins lanes (map2_reduce_all: products, then
    sums)."""
    n = len(values)
    first = first or (lambda v: v)
    fold = fold or combine
    if n < width:
        acc = first(values[0])
        for v in values[1:]:
            acc = combine(acc, v, "short")
        return acc
    lanes = [first(v) for v in values[:width]]
    for start in range(width, n, width):
        step = "main" if start + width <= n else "tail"
        for k, v in enumerate(values[start:start + width]):
            lanes[k] = combine(lanes[k], v, step)
    while len(lanes) > 1:
        half = len(lanes) // 2
        lanes = [fold(lanes[i], lanes[i + half]) for i in range(half)]
    return lanes[0]


def _add32(x, y, _=None):
    return f32(x + y)


def _max32(x, y, _=None):
    return x if x != x or x > y else y


def _layout(shape, dim):
    return math.prod(shape[:dim]), (shape[dim] if shape else 1), math.prod(shape[dim + 1:])


def _lines(outer, size, inner):
    """(column within the inner block, positions) of each line a non-last-dim softmax reduces."""
    for o in range(outer):
        for i in range(inner):
            base = o * size * inner + i
            yield i, range(base, base + size * inner, inner)


def _softmax_values(x, shape, dim, log):
    outer, size, inner = _layout(shape, dim)
    out = [0.0] * len(x)
    if dim == len(shape) - 1 or not shape:  # ATen picks the kernel by the dim's position, not by inner == 1
        for start in range(0, len(x), size):
            row = x[start:start + size]
            top = _vec_reduce(row, _max32)
            shifted = [f32(v - top) for v in row]
            exps = [sleef_exp(v) for v in shifted]
            total = _vec_reduce(exps, _add32)
            if log:
                log_total = sleef_log(total)
                out[start:start + size] = [f32(v - log_total) for v in shifted]
            else:
                scale = f32(1 / total)
                out[start:start + size] = [f32(v * scale) for v in exps]
        return out
    vector_columns = inner - inner % SOFTMAX_VECTOR
    for column, line in _lines(outer, size, inner):
        exp = sleef_exp if column < vector_columns else libm_exp
        top = -_inf if log else x[line[0]]
        for p in line:  # log_softmax's max ignores NaNs (blendv on x > max); softmax's propagates them
            top = (x[p] if x[p] > top else top) if log else _max32(top, x[p])
        exps = [exp(f32(x[p] - top)) for p in line]
        total = 0.0
        for e in exps:
            total = f32(total + e)
        if log:
            log_total = sleef_log(total)
            for p in line:
                out[p] = f32(f32(x[p] - top) - log_total)
        else:
            for p, e in zip(line, exps):
                out[p] = f32(e / total)
    return out


def _softmax_backward_values(g, y, shape, dim, log):
    outer, size, inner = _layout(shape, dim)
    out = [0.0] * len(g)
    if dim == len(shape) - 1 or not shape:
        for start in range(0, len(g), size):
            gs, ys = g[start:start + size], y[start:start + size]
            if log:  # grad - exp(output) * sum(grad)
                total = _vec_reduce(gs, _add32)
                out[start:start + size] = [fma32(-sleef_exp(b), total, a) for a, b in zip(gs, ys)]
            else:  # (grad - sum(grad * output)) * output
                total = _vec_reduce(list(zip(gs, ys)), _add_product, first=_product, fold=_add32)
                out[start:start + size] = [f32(f32(a - total) * b) for a, b in zip(gs, ys)]
        return out
    vector_columns = inner - inner % SOFTMAX_VECTOR
    for column, line in _lines(outer, size, inner):
        total = 0.0
        for p in line:
            total = f32(total + g[p]) if log else fma32(g[p], y[p], total)
        if log:
            exp = sleef_exp if column < vector_columns else libm_exp
            for p in line:
                out[p] = fma32(-exp(y[p]), total, g[p])
        else:
            for p in line:
                out[p] = f32(y[p] * f32(g[p] - total))
    return out


def _product(pair):
    return f32(pair[0] * pair[1])


def _add_product(acc, pair, step):
    """One step of map2_reduce_all's sum of products: GCC fused the multiply and add only for the partial vector
    at the row's end (found against torch 2.13); elsewhere the product is rounded first."""
    return fma32(pair[0], pair[1], acc) if step == "tail" else f32(acc + _product(pair))


def _softmax_op(input, dim, dtype, log):
    dim = _softmax_dim(input, dim)
    name = "LogSoftmaxBackward0" if log else "SoftmaxBackward0"
    source = input.detach() if dtype is None else input.detach().to(dtype)
    if source.dtype is not _dtype.float32:
        if source.dtype is not _dtype.float64:
            raise RuntimeError(f'"{"log_" if log else ""}softmax_lastdim_kernel_impl" not implemented for '
                               f"'{_type_name(source.dtype)}'")
        raise unsupported(f"torch.{'log_' if log else ''}softmax on float64 tensors")
    shape = source._shape
    values = _softmax_values(source._values(), shape, dim, log) if source.numel() else []
    out = Tensor._from_values(values, shape, source.dtype)

    def backward(grad):
        g = grad.contiguous()._values()
        grad_input = Tensor._from_values(_softmax_backward_values(g, out._values(), shape, dim, log), shape,
                                         out.dtype)
        return (grad_input if input.dtype is out.dtype else grad_input.to(input.dtype),)

    return record(name, out, (input,), backward, saved=(out,))


def _type_name(dtype):
    return {"int64": "Long", "bool": "Bool", "float64": "Double", "float32": "Float"}.get(dtype.name, dtype.name)


@op
def softmax(input, dim=None, dtype=None):
    return _softmax_op(input, dim, dtype, log=False)


@op
def log_softmax(input, dim=None, dtype=None):
    return _softmax_op(input, dim, dtype, log=True)


# ---- losses -----------------------------------------------------------------------------------------------------
_REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss, reduction_name):
    if reduction_name not in _REDUCTIONS:
        raise ValueError(f"{reduction_name} is not a valid value for reduction")
    if reduction_name == "mean":
        return reductions.mean(loss)
    return reductions.sum(loss) if reduction_name == "sum" else loss


def mse_loss(input, target, reduction="mean"):
    if input._shape != target._shape:
        import warnings
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", UserWarning, stacklevel=3)
    diff = pointwise.sub(input.detach(), target.detach())
    out = _reduce(pointwise.mul(diff, diff), reduction)
    norm = 2.0 / diff.numel() if reduction == "mean" else 2.0

    def backward(grad):  # ATen's mse_backward: norm * (input - target) * grad, in float32 steps
        grad_input = pointwise.mul(pointwise.mul(diff, norm), grad)
        return (pointwise.grad_for(input, grad_input),
                pointwise.grad_for(target, pointwise.neg(grad_input)))

    return record("MseLossBackward0", out, (input, target), backward, saved=(input, target))


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    if weight is not None:
        raise unsupported("torch.nn.functional.nll_loss(weight=...)")
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.name.capitalize()}")
    rows = views.unsqueeze(input.detach(), 0) if input.dim() == 1 else input.detach()
    if rows.dim() != 2:
        raise unsupported("torch.nn.functional.nll_loss on inputs of more than 2 dims")
    classes = rows._shape[1]
    targets = [int(t) for t in target._values()]
    for t in targets:
        if t != ignore_index and not 0 <= t < classes:
            raise IndexError(f"Target {t} is out of bounds.")
    picked = [-rows[i][t].item() if t != ignore_index else 0.0 for i, t in enumerate(targets)]
    counted = sum(1 for t in targets if t != ignore_index)
    losses = Tensor._from_values(picked, target._shape, input.dtype)
    if reduction == "none":
        out = losses
    else:
        out = reductions.sum(losses)
        out = pointwise.div(out, counted) if reduction == "mean" else out

    def backward(grad):  # ATen: -(grad / total_weight) at each target position
        if reduction == "mean":
            grad = pointwise.div(grad, counted)
        per_row = grad._values() if reduction == "none" else [grad.item()] * len(targets)
        full = pointwise.zeros_of(rows._shape, input.dtype)
        for i, (t, g) in enumerate(zip(targets, per_row)):
            if t != ignore_index:
                full._storage[i * classes + t] = -g
        return (views.reshape(full, input._shape),)

    return record("NllLossBackward0", out, (input,), backward)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    if label_smoothing or target.dtype.is_floating_point:
        raise unsupported("torch.nn.functional.cross_entropy with probabilities or label_smoothing")
    class_dim = 0 if input.dim() == 1 else 1
    return nll_loss(log_softmax(input, class_dim), target, weight, ignore_index, reduction)
