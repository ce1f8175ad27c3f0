"""Neural-network ops: convolution and max pooling (through the hot kernels), softmax, and the losses."""

import math
import warnings
from array import array
from fractions import Fraction

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
        raise RuntimeError(
            f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: {list(input._shape)}"
        )
    if input._shape[1] != weight._shape[1]:
        raise RuntimeError(
            f"Given groups=1, weight of size {list(weight._shape)}, expected input"
            f"{list(input._shape)} to have {weight._shape[1]} channels, but got {input._shape[1]} "
            "channels instead"
        )
    stride, padding = _pair(stride), _pair(padding)
    x, w = _float32_buffer(input, "conv2d"), _float32_buffer(weight, "conv2d")
    b = _float32_buffer(bias, "conv2d") if bias is not None else None
    values, shape = _kernels.conv2d(x, input._shape, w, weight._shape, b, stride, padding)
    if min(shape) <= 0:
        raise RuntimeError("Calculated output size is too small")
    out = Tensor._make(values, shape, views.contiguous_strides(shape), 0, _dtype.float32)
    mask = tuple(t is not None and t.requires_grad for t in (input, weight, bias))

    def backward(grad):
        grads = _kernels.conv2d_backward(
            _float32_buffer(grad, "conv2d"), x, input._shape, w, weight._shape, stride, padding, mask
        )
        return tuple(
            Tensor._make(g, t._shape, views.contiguous_strides(t._shape), 0, _dtype.float32) if g is not None else None
            for g, t in zip(grads, (input, weight, bias))
        )

    return record("ConvolutionBackward0", out, (input, weight, bias), backward, saved=(input, weight))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    if _pair(dilation) != (1, 1) or ceil_mode:
        raise unsupported("torch.nn.functional.max_pool2d with dilation or ceil_mode")
    kernel = _pair(kernel_size)
    stride = _pair(stride) if stride not in (None, ()) else kernel
    padding = _pair(padding)
    if any(p * 2 > k for p, k in zip(padding, kernel)):
        raise RuntimeError(
            "pad should be at most half of effective kernel size, but got "
            f"pad={padding[0]}, kernel_size={kernel[0]} and dilation=1"
        )
    batched = input._shape if input.dim() == 4 else (1,) + input._shape
    x = _float32_buffer(input, "max_pool2d")
    values, indices, shape = _kernels.max_pool2d(x, batched, kernel, stride, padding)
    if min(shape) <= 0:
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, input._shape[-3:]))}). Calculated output size: "
            f"({'x'.join(map(str, shape[1:]))}). Output size is too small"
        )
    out_shape = shape if input.dim() == 4 else shape[1:]
    out = Tensor._make(values, out_shape, views.contiguous_strides(out_shape), 0, _dtype.float32)

    def backward(grad):
        g = _kernels.max_pool2d_backward(
            _float32_buffer(grad, "max_pool2d"),
            indices,
            batched,
            shape,
            overlapping=any(k > s for k, s in zip(kernel, stride)),
        )
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


def _fma64(a, b, c):
    """double fma(a, b, c), rounded once (math.fma from Python 3.13; exact rationals before it)."""
    if a - a != 0 or b - b != 0 or c - c != 0:
        return a * b + c
    return float(Fraction(a) * Fraction(b) + Fraction(c))


class _Float32:
    """The float32 kernels' arithmetic: each step rounded to float32, SLEEF's exp/log in vector code."""

    width, tree = SOFTMAX_VECTOR, True
    round = staticmethod(f32)
    fma = staticmethod(fma32)
    vector_exp, scalar_exp, log = staticmethod(sleef_exp), staticmethod(libm_exp), staticmethod(sleef_log)


class _Float64:
    """The double kernels: the same code on Vectorized<double> (8 lanes on AVX512, folded left to right). SLEEF's
    double exp/log (u10) are stood in for by Python's (glibc's): emulating SLEEF's double-double steps in pure
    Python is too slow, so a few per cent of elements differ from PyTorch's by an ULP or two."""

    width, tree = 8, False
    round = staticmethod(float)
    fma = staticmethod(getattr(math, "fma", _fma64))
    vector_exp = scalar_exp = staticmethod(pointwise._exp)
    log = staticmethod(pointwise._log)


def _softmax_dim(input, dim, name):
    if dim is None:  # torch.softmax and Tensor.softmax need a dim; only torch.nn.functional's picks one
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    return input._dim(dim)


def _vec_reduce(values, combine, first=None, fold=None, width=SOFTMAX_VECTOR, tree=True):
    """vec::reduce_all over a row of floats: `width` lane accumulators folded as a tree (lane i with i + 8, then
    i + 4, i + 2, i + 1; float32's AVX512 shuffles) or left to right (tree=False: the generic vec_reduce_all that
    doubles get); a row shorter than a vector is folded left to right. `first` (default: the value itself)
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
        for k, v in enumerate(values[start : start + width]):
            lanes[k] = combine(lanes[k], v, step)
    if not tree:
        acc = lanes[0]
        for lane in lanes[1:]:
            acc = fold(acc, lane)
        return acc
    while len(lanes) > 1:
        half = len(lanes) // 2
        lanes = [fold(lanes[i], lanes[i + half]) for i in range(half)]
    return lanes[0]


def _max32(x, y, _=None):
    return x if x != x or x > y else y


def _layout(shape, dim):
    return math.prod(shape[:dim]), (shape[dim] if shape else 1), math.prod(shape[dim + 1 :])


def _lines(outer, size, inner):
    """(column within the inner block, positions) of each line a non-last-dim softmax reduces."""
    for o in range(outer):
        for i in range(inner):
            base = o * size * inner + i
            yield i, range(base, base + size * inner, inner)


def _softmax_values(x, shape, dim, log, k=_Float32):
    outer, size, inner = _layout(shape, dim)
    out = [0.0] * len(x)
    r = k.round

    def add(a, b, _=None):
        return r(a + b)

    if dim == len(shape) - 1 or not shape:  # ATen picks the kernel by the dim's position, not by inner == 1
        for start in range(0, len(x), size):
            row = x[start : start + size]
            top = _vec_reduce(row, _max32, width=k.width, tree=k.tree)
            shifted = [r(v - top) for v in row]
            exps = [k.vector_exp(v) for v in shifted]
            total = _vec_reduce(exps, add, width=k.width, tree=k.tree)
            if log:
                log_total = k.log(total)
                out[start : start + size] = [r(v - log_total) for v in shifted]
            else:
                scale = r(1 / total)
                out[start : start + size] = [r(v * scale) for v in exps]
        return out
    vector_columns = inner - inner % k.width
    for column, line in _lines(outer, size, inner):
        exp = k.vector_exp if column < vector_columns else k.scalar_exp
        top = -_inf if log else x[line[0]]
        for p in line:  # log_softmax's max ignores NaNs (blendv on x > max); softmax's propagates them
            top = (x[p] if x[p] > top else top) if log else _max32(top, x[p])
        exps = [exp(r(x[p] - top)) for p in line]
        total = 0.0
        for e in exps:
            total = r(total + e)
        if log:
            log_total = k.log(total)
            for p in line:
                out[p] = r(r(x[p] - top) - log_total)
        else:
            for p, e in zip(line, exps):
                out[p] = r(pointwise._divide(e, total))
    return out


def _softmax_backward_values(g, y, shape, dim, log, k=_Float32):
    outer, size, inner = _layout(shape, dim)
    out = [0.0] * len(g)
    r, fma = k.round, k.fma

    def add(a, b, _=None):
        return r(a + b)

    def product(pair):
        return r(pair[0] * pair[1])

    def add_product(acc, pair, step):
        """One step of map2_reduce_all's sum of products: GCC fused the multiply and add only for the partial
        vector at the row's end (found against torch 2.13); elsewhere the product is rounded first."""
        return fma(pair[0], pair[1], acc) if step == "tail" else r(acc + product(pair))

    if dim == len(shape) - 1 or not shape:
        for start in range(0, len(g), size):
            gs, ys = g[start : start + size], y[start : start + size]
            if log:  # grad - exp(output) * sum(grad)
                total = _vec_reduce(gs, add, width=k.width, tree=k.tree)
                out[start : start + size] = [fma(-k.vector_exp(b), total, a) for a, b in zip(gs, ys)]
            else:  # (grad - sum(grad * output)) * output
                total = _vec_reduce(list(zip(gs, ys)), add_product, first=product, fold=add, width=k.width, tree=k.tree)
                out[start : start + size] = [r(r(a - total) * b) for a, b in zip(gs, ys)]
        return out
    vector_columns = inner - inner % k.width
    for column, line in _lines(outer, size, inner):
        total = 0.0
        for p in line:
            total = r(total + g[p]) if log else fma(g[p], y[p], total)
        if log:
            exp = k.vector_exp if column < vector_columns else k.scalar_exp
            for p in line:
                out[p] = fma(-exp(y[p]), total, g[p])
        else:
            for p in line:
                out[p] = r(y[p] * r(g[p] - total))
    return out


def _softmax_op(input, dim, dtype, log):
    dim = _softmax_dim(input, dim, "log_softmax" if log else "softmax")
    name = "LogSoftmaxBackward0" if log else "SoftmaxBackward0"
    source = input.detach() if dtype is None else input.detach().to(dtype)
    if source.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(
            f'"{"log_" if log else ""}softmax_lastdim_kernel_impl" not implemented for \'{_type_name(source.dtype)}\''
        )
    kind = _Float32 if source.dtype is _dtype.float32 else _Float64
    shape = source._shape
    values = _softmax_values(source._values(), shape, dim, log, kind) if source.numel() else []
    out = Tensor._from_values(values, shape, source.dtype)

    def backward(grad):
        g = grad.contiguous()._values()
        grad_input = Tensor._from_values(
            _softmax_backward_values(g, out._values(), shape, dim, log, kind), shape, out.dtype
        )
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


# torch.nn.functional's forms (functional.py exports them under the plain names): an implicit dim is chosen, with
# PyTorch's deprecation warning, pointing `_stacklevel` frames up as torch/nn/functional.py's _get_softmax_dim does.
def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def functional_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return softmax(input, dim, dtype=dtype)


def functional_softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return softmax(pointwise.neg(input), dim, dtype=dtype)


def functional_log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return log_softmax(input, dim, dtype=dtype)


# ---- losses -----------------------------------------------------------------------------------------------------
_REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss, reduction_name):
    if reduction_name not in _REDUCTIONS:
        raise ValueError(f"{reduction_name} is not a valid value for reduction")
    if reduction_name == "mean":
        return reductions.mean(loss)
    return reductions.sum(loss) if reduction_name == "sum" else loss


def _legacy_reduction(size_average, reduce, reduction):
    """torch/nn/_reduction.py's legacy_get_string: the deprecated size_average and reduce arguments, when given,
    decide the reduction (with PyTorch's warning)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.", stacklevel=3
    )
    return result


def _weighted(name, loss_fn, input, target, weight, reduction, mean_by_weight):
    """functional.py's weighted l1/mse/huber: the unreduced loss times weight, then reduced (the mean of l1 and mse
    divides by the weights' sum)."""
    if weight._shape != input._shape:
        raise ValueError("Weights and input must have the same size.")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    loss = pointwise.mul(loss_fn(), weight)
    if reduction == "mean":
        return pointwise.div(reductions.sum(loss), reductions.sum(weight)) if mean_by_weight else reductions.mean(loss)
    return reductions.sum(loss) if reduction == "sum" else loss


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _size_warning(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if weight is not None:
        diff = pointwise.sub(input, target)
        return _weighted("mse_loss", lambda: pointwise.pow(diff, 2), input, target, weight, reduction, True)
    diff = pointwise.sub(input.detach(), target.detach())
    out = _reduce(pointwise.mul(diff, diff), reduction)
    norm = 2.0 / diff.numel() if reduction == "mean" else 2.0

    def backward(grad):  # ATen's mse_backward: norm * (input - target) * grad, in float32 steps
        grad_input = pointwise.mul(pointwise.mul(diff, norm), grad)
        return (pointwise.grad_for(input, grad_input), pointwise.grad_for(target, pointwise.neg(grad_input)))

    return record("MseLossBackward0", out, (input, target), backward, saved=(input, target))


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS and reduction != "batchmean":
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _size_warning(input, target):
    if input._shape != target._shape:
        import warnings

        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
            "same size.",
            UserWarning,
            stacklevel=4,
        )


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _size_warning(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if weight is not None:
        return _weighted(
            "l1_loss", lambda: pointwise.abs(pointwise.sub(input, target)), input, target, weight, reduction, True
        )
    _check_reduction(reduction)
    return _reduce(pointwise.abs(pointwise.sub(input, target)), reduction)  # composite in ATen: Sub, Abs, Mean


def _pointwise_loss(name, input, target, reduction, forward, backward_at):
    """A loss with its own ATen kernel: forward(z) of each difference, backward_at(x, norm) -> factor of grad."""
    _size_warning(input, target)
    _check_reduction(reduction)
    diff = pointwise.sub(input.detach(), target.detach())
    out = _reduce(
        Tensor._from_values([forward(f32(abs(z))) for z in diff._values()], diff._shape, diff.dtype), reduction
    )
    norm = f32(1.0 / diff.numel()) if reduction == "mean" else 1.0

    def backward(grad):
        g = views.expanded(grad, diff._shape)._values()
        values = [backward_at(x, norm, gv) for x, gv in zip(diff._values(), g)]
        grad_input = Tensor._from_values(values, diff._shape, diff.dtype)
        return (pointwise.grad_for(input, grad_input), pointwise.grad_for(target, pointwise.neg(grad_input)))

    return record(name, out, (input, target), backward, saved=(input, target))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    beta = f32(beta)

    def forward(z):  # ATen's smooth_l1 kernel: 0.5 * z * z / beta below beta, else z - 0.5 * beta
        return f32(f32(f32(0.5 * z) * z) / beta) if z < beta else f32(z - f32(0.5 * beta))

    def backward_at(x, norm, g):
        if x <= -beta:
            return f32(-norm * g)
        if x >= beta:
            return f32(norm * g)
        return f32(f32(f32(norm * x) * g) / beta)

    return _pointwise_loss("SmoothL1LossBackward0", input, target, reduction, forward, backward_at)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        return _weighted(
            "huber_loss", lambda: huber_loss(input, target, "none", delta), input, target, weight, reduction, False
        )
    delta = f32(delta)

    def forward(z):  # ATen's huber kernel: 0.5 * z * z below delta, else delta * (z - 0.5 * delta)
        return f32(f32(0.5 * z) * z) if z < delta else f32(delta * f32(z - f32(0.5 * delta)))

    def backward_at(x, norm, g):
        if x <= -delta:
            return f32(f32(-norm * delta) * g)
        if x >= delta:
            return f32(f32(norm * delta) * g)
        return f32(f32(norm * x) * g)

    return _pointwise_loss("HuberLossBackward0", input, target, reduction, forward, backward_at)


def _log_f32(x):
    return f32(math.log(x)) if x > 0 else (-_inf if x == 0 else float("nan"))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target._shape != input._shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    _check_reduction(reduction)
    if target.requires_grad:
        raise unsupported("torch.nn.functional.binary_cross_entropy with a target that requires grad")
    xs, ts = input.detach().contiguous()._values(), target.detach().contiguous()._values()
    losses = []
    for x, t in zip(xs, ts):
        if not 0 <= x <= 1:
            raise RuntimeError("all elements of input should be between 0 and 1")
        if not 0 <= t <= 1:
            raise RuntimeError("all elements of target should be between 0 and 1")
        # ATen: (t - 1) * max(log1p(-x), -100) - t * max(log(x), -100), logs from glibc: its log1pf/logf are
        # not always the correctly rounded floats Python gives, so ~3% of elements differ by an ULP
        low = max(f32(math.log1p(-x)) if x < 1 else -_inf, -100.0)
        high = max(_log_f32(x), -100.0)
        losses.append(f32(f32((t - 1) * low) - f32(t * high)))
    loss = Tensor._from_values(losses, input._shape, input.dtype)
    if weight is not None:
        loss = pointwise.mul(loss, weight.detach())
    out = _reduce(loss, reduction)

    def backward(grad):
        g = views.expanded(grad, input._shape)._values()
        values = [f32(f32(gv * f32(x - t)) / max(f32(f32(1 - x) * x), 1e-12)) for gv, x, t in zip(g, xs, ts)]
        grad_input = Tensor._from_values(values, input._shape, input.dtype)
        if weight is not None:
            grad_input = pointwise.mul(grad_input, weight.detach())
        return (pointwise.div(grad_input, input.numel()) if reduction == "mean" else grad_input, None)

    return record("BinaryCrossEntropyBackward0", out, (input, target), backward, saved=(input, target))


def binary_cross_entropy_with_logits(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target._shape != input._shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    _check_reduction(reduction)
    if (
        target.requires_grad
        or (weight is not None and weight.requires_grad)
        or (pos_weight is not None and pos_weight.requires_grad)
    ):
        raise unsupported(
            "torch.nn.functional.binary_cross_entropy_with_logits with a target or weights that require grad"
        )
    x, t = input.detach(), target.detach()
    # ATen (Loss.cpp): log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|)); loss = (1 - t) * x - log_weight * log_sigmoid
    # SLEEF's exp and log1p there are emulated by correctly rounded ones here: within 1 ULP, not always equal.
    log_sigmoid = pointwise.elementwise(lambda v: f32(min(v, 0.0) - f32(math.log1p(f32(math.exp(-abs(v)))))), x)
    if pos_weight is not None:
        log_weight = pointwise.add(pointwise.mul(pointwise.sub(pos_weight.detach(), 1), t), 1)
        log_sigmoid = pointwise.mul(log_sigmoid, log_weight)
    loss = pointwise.sub(pointwise.mul(pointwise.rsub(t, 1), x), log_sigmoid)
    if weight is not None:
        loss = pointwise.mul(loss, weight.detach())
    out = _reduce(loss, reduction)

    def backward(grad):
        if pos_weight is not None:
            pt = pointwise.mul(pos_weight.detach(), t)
            grad_input = pointwise.sub(pointwise.mul(pointwise.sub(pointwise.add(pt, 1), t), pointwise.sigmoid(x)), pt)
        else:
            grad_input = pointwise.sub(pointwise.sigmoid(x), t)
        grad_input = pointwise.mul(grad_input, grad)
        if weight is not None:
            grad_input = pointwise.mul(grad_input, weight.detach())
        if reduction == "mean":
            grad_input = pointwise.div(grad_input, input.numel())
        return (grad_input, None)

    return record("BinaryCrossEntropyWithLogitsBackward0", out, (input, target), backward, saved=(input, target))


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if reduction == "mean":
        import warnings

        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            UserWarning,
            stacklevel=3,
        )
    if log_target:
        output = pointwise.mul(pointwise.exp(target), pointwise.sub(target, input))
    else:
        output = pointwise.sub(_xlogy(target), pointwise.mul(target, input))
    if reduction == "batchmean":
        reduced = reductions.sum(output)
        return pointwise.div(reduced, input._shape[0]) if input.dim() else reduced
    return _reduce(output, reduction)


def _xlogy(target):
    """xlogy(t, t): t * log(t), 0 where t is 0 (ATen's xlogy kernel, std::log)."""
    if target.requires_grad:
        raise unsupported("torch.nn.functional.kl_div with a target that requires grad")
    return pointwise.elementwise(lambda t: t if t != t else 0.0 if t == 0 else f32(t * _log_f32(t)), target.detach())


def _cascade_sum(terms, count):
    """ATen's nll_loss float32 cascade sum: 8 partial sums, the first moved up a level whenever the item index
    (counting ignored ones) is a multiple of 2^level_power, then all added in order."""
    levels = 8
    ceil_log2 = (count - 1).bit_length() if count > 1 else 0
    power = max(4, ceil_log2 // levels)
    mask = (1 << power) - 1
    partial = [0.0] * levels
    for index, term in terms:
        partial[0] = term(partial[0])
        for j in range(levels - 1):
            if index & (mask << (j * power)):
                break
            partial[j + 1] = f32(partial[j + 1] + partial[j])
            partial[j] = 0.0
    total = 0.0
    for p in partial:
        total = f32(total + p)
    return total


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {_type_name(target.dtype)}")
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() > 2 and input.dim() != 4:  # ATen's nll_loss_nd: through nll_loss2d on (N, C, 1, -1)
        n, c = input._shape[:2]
        if target._shape != (n,) + input._shape[2:]:
            raise RuntimeError(f"Expected target size {list((n,) + input._shape[2:])}, got {list(target._shape)}")
        flat = views.reshape(input, (n, c, 1, -1))
        out = nll_loss(flat, views.reshape(target, (n, 1, -1)), weight, ignore_index=ignore_index, reduction=reduction)
        return views.reshape(out, target._shape) if reduction == "none" else out
    two_d = input.dim() == 4
    if input.dim() == 2 and target._shape != input._shape[:1]:
        raise ValueError(
            f"Expected input batch_size ({input._shape[0]}) to match target batch_size "
            f"({target._shape[0] if target.dim() else 0})."
        )
    if two_d and target._shape != input._shape[:1] + input._shape[2:]:
        raise RuntimeError(
            f"only batches of spatial targets supported (3D tensors) but got targets of size: : {list(target._shape)}"
        )
    n, c = (1, input._shape[0]) if input.dim() == 1 else input._shape[:2]
    spatial = math.prod(input._shape[2:])
    if weight is not None and weight._shape != (c,):
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes but got "
            f"weight tensor of shape: {list(weight._shape)}"
        )
    x = input.detach().contiguous()._values()
    w = weight.detach().contiguous()._values() if weight is not None else None
    targets = [int(t) for t in target._values()]
    positions = []  # (linear index, target, position of the picked element) for each counted item
    for index, t in enumerate(targets):
        if t == ignore_index:
            continue
        if not 0 <= t < c:
            raise IndexError(f"Target {t} is out of bounds.")
        b, elem = divmod(index, spatial)
        positions.append((index, t, b * c * spatial + t * spatial + elem))
    node = "NllLoss2DBackward0" if two_d else "NllLossBackward0"
    if reduction == "none" and input.dim() > 1:
        values = [0.0] * len(targets)
        for index, t, p in positions:
            values[index] = f32(-x[p] * w[t]) if w else -x[p]
        out = Tensor._from_values(values, target._shape, input.dtype)
        total_weight = None
    else:
        if w:
            loss = _cascade_sum(
                [(i, lambda acc, p=p, t=t: fma32(-x[p], w[t], acc)) for i, t, p in positions], len(targets)
            )
            total_weight = _cascade_sum([(i, lambda acc, t=t: f32(acc + w[t])) for i, t, p in positions], len(targets))
        else:
            loss = _cascade_sum([(i, lambda acc, p=p: f32(acc - x[p])) for i, t, p in positions], len(targets))
            total_weight = float(len(positions))
        if input.dim() == 1 and positions:
            loss = f32(-x[positions[0][2]] * w[positions[0][1]]) if w else -x[positions[0][2]]
        out = Tensor._from_values([_divide(loss, total_weight) if reduction == "mean" else loss], (), input.dtype)

    def backward(grad):
        g = grad.contiguous()._values()
        full = [0.0] * len(x)
        for index, t, p in positions:
            if reduction == "none" and input.dim() > 1:
                full[p] = f32(-(w[t] if w else 1.0) * g[index])
            else:
                scaled = -(_divide(g[0], total_weight) if reduction == "mean" else g[0])
                full[p] = f32(w[t] * scaled) if w else scaled
        return (Tensor._from_values(full, input._shape, input.dtype),)

    return record(node, out, (input,), backward)  # PyTorch's node has one edge: the input's


def _divide(x, y):
    return f32(pointwise._divide(x, y))


def cross_entropy(
    input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean", label_smoothing=0.0
):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    class_dim = 0 if input.dim() == 1 else 1
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    log_probs = log_softmax(input, class_dim)
    n_classes = input._shape[class_dim]
    if target.dtype.is_floating_point:  # class probabilities (ATen's cross_entropy_loss_prob_target)
        if target._shape != input._shape:
            raise RuntimeError(f"Expected target size {list(input._shape)}, got {list(target._shape)}")
        if label_smoothing > 0:
            target = pointwise.add(pointwise.mul(target, 1 - label_smoothing), label_smoothing / n_classes)
        product = pointwise.mul(log_probs, target)
        if weight is not None:
            shape = [1] * input.dim()
            shape[class_dim] = n_classes
            product = pointwise.mul(product, views.view(weight, tuple(shape)))
        if reduction == "none":
            return pointwise.neg(reductions.sum(product, class_dim))
        total = pointwise.neg(reductions.sum(product))
        return _scalar_div(total, input.numel() // n_classes) if reduction == "mean" else total
    nll = nll_loss(log_probs, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing <= 0:
        return nll
    # ATen's cross_entropy_loss_label_smoothing
    ignore_mask = pointwise.eq(target, ignore_index)
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = n_classes
        smooth = pointwise.neg(reductions.sum(pointwise.mul(log_probs, views.view(weight, tuple(shape))), class_dim))
    else:
        smooth = pointwise.neg(reductions.sum(log_probs, class_dim))
    smooth = pointwise.masked_fill(smooth, ignore_mask, 0.0)
    if reduction == "mean":
        if weight is not None:
            kept = [int(t) for t, m in zip(target._values(), ignore_mask._values()) if not m]
            picked = Tensor._from_values([weight.detach()._values()[t] for t in kept], (len(kept),), weight.dtype)
            ret = pointwise.div(reductions.sum(smooth), reductions.sum(picked))
        else:
            ret = pointwise.div(reductions.sum(smooth), reductions.sum(pointwise.logical_not(ignore_mask)))
    elif reduction == "sum":
        ret = reductions.sum(smooth)
    else:
        ret = smooth
    return pointwise.add(_scalar_mul(nll, 1 - label_smoothing), _scalar_mul(ret, label_smoothing / n_classes))


def _scalar_mul(input, value):
    """at::mul(tensor, scalar) from ATen's C++ (MulBackward1: one edge)."""
    out = pointwise.mul(input.detach(), value)
    return record("MulBackward1", out, (input,), lambda grad: (pointwise.mul(grad, value),))


def _scalar_div(input, value):
    """at::div(tensor, scalar) from ATen's C++ (DivBackward1: one edge); Python's `x / 2` is DivBackward0."""
    out = pointwise.div(input.detach(), value)
    return record("DivBackward1", out, (input,), lambda grad: (pointwise.div(grad, value),))


# ---- margin and embedding losses (ATen's composites in Loss.cpp, so the graph has their nodes) ------------------
def _enum_reduction(size_average, reduce, reduction):
    """The reduction of a loss whose functional.py form passes an enum on (an unknown name is refused there)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return reduction


def _scalar_add(input, value, name="AddBackward1"):
    """at::add(tensor, scalar) as ATen's C++ composites call it: one edge (AddBackward1, SubBackward1 for
    sub), where Python's `x + 1` wraps the number in a tensor (AddBackward0, two edges)."""
    out = pointwise.add(input.detach(), value if name == "AddBackward1" else -value)
    return record(name, out, (input,), lambda grad: (grad,))


def _scalar_rsub(value, input):
    """`margin - x` in ATen's C++: the number wrapped as a tensor (SubBackward0, its edge None)."""
    out = pointwise.rsub(input.detach(), value)
    return record("SubBackward0", out, (value, input), lambda grad: (None, pointwise.neg(grad)))


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    reduction = _enum_reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} "
        )
    if not input1._shape == input2._shape == target._shape:
        raise RuntimeError(
            f"margin_ranking_loss: all input tensors should have same size but got sizes: input1: "
            f"{list(input1._shape)}, input2: {list(input2._shape)}, target: {list(target._shape)}"
        )
    output = _scalar_add(pointwise.mul(pointwise.neg(target), pointwise.sub(input1, input2)), margin)
    return _reduce(output.clamp_min(0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    reduction = _enum_reduction(size_average, reduce, reduction)
    zeros = Tensor._from_values([0.0] * input.numel(), input._shape, input.dtype)
    margin_clamp = _scalar_rsub(margin, input).clamp_min(0)
    output_margin = pointwise.where(pointwise.ne(target, 1), margin_clamp, zeros)
    output_self = pointwise.where(pointwise.ne(target, -1), input, zeros)
    return _reduce(pointwise.add(output_margin, output_self), reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    reduction = _enum_reduction(size_average, reduce, reduction)
    dim = target.dim()
    if dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.dim() != dim + 1:
        raise RuntimeError(
            f"{dim}D target tensor expects {dim + 1}D input tensors, but found inputs with sizes "
            f"{list(input1._shape)} and {list(input2._shape)}."
        )
    epsilon = f32(1e-12)  # Loss.cpp's `constexpr float EPSILON`

    def magnitude_square(x):
        return _scalar_add(reductions.sum(pointwise.mul(x, x), dim), epsilon)

    prod_sum = reductions.sum(pointwise.mul(input1, input2), dim)
    denom = pointwise.sqrt(pointwise.mul(magnitude_square(input1), magnitude_square(input2)))
    cos = pointwise.div(prod_sum, denom)
    zeros = Tensor._from_values([0.0] * cos.numel(), cos._shape, cos.dtype)
    pos = _scalar_rsub(1, cos)
    neg = _scalar_add(cos, margin, "SubBackward1").clamp_min(0)
    output_pos = pointwise.where(pointwise.eq(target, 1), pos, zeros)
    output_neg = pointwise.where(pointwise.eq(target, -1), neg, zeros)
    return _reduce(pointwise.add(output_pos, output_neg), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """ATen's soft_margin_loss: log(1 + exp(-input * target)) in place, step by step; its own backward node.
    exp and log are the runtime's (correctly rounded) where ATen's vector code uses SLEEF's: within an ULP."""
    reduction = _enum_reduction(size_average, reduce, reduction)
    x, t = input.detach(), target.detach()
    loss = pointwise.log(pointwise.add(pointwise.exp(pointwise.mul(pointwise.neg(x), t)), 1.0))
    out = _reduce(loss, reduction)

    def backward(grad):  # grad_input = target * z * -norm / (1 + z) * grad, z = exp(-target * input)
        norm = 1.0 / input.numel() if reduction == "mean" else 1.0
        z = pointwise.exp(pointwise.mul(pointwise.neg(t), x))
        grad_input = pointwise.mul(pointwise.mul(t, z), -norm)
        grad_input = pointwise.mul(pointwise.div(grad_input, pointwise.add(z, 1)), grad)
        return (grad_input,)

    return record("SoftMarginLossBackward0", out, (input,), backward, saved=(input, target))  # one edge, as there


def poisson_nll_loss(
    input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"
):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not a valid value for reduction")
    if log_input:
        loss = pointwise.sub(pointwise.exp(input), pointwise.mul(target, input))
    else:
        loss = pointwise.sub(input, pointwise.mul(target, pointwise.log(_scalar_add(input, eps))))
    if full:
        stirling = pointwise.add(
            pointwise.sub(pointwise.mul(target, pointwise.log(target)), target),
            pointwise.mul(pointwise.log(pointwise.mul(target, 2 * math.pi)), 0.5),
        )
        loss = pointwise.add(loss, pointwise.masked_fill(stirling, pointwise.le(target, 1), 0))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """torch/nn/functional.py's gaussian_nll_loss, step for step."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = pointwise.mul(var, Tensor._from_values([1.0] * input.numel(), input._shape, input.dtype))
    elif any(v < 0 for v in var.detach()._values()):
        raise ValueError("var has negative entry/entries")
    if var._shape != input._shape:
        if input._shape[:-1] == var._shape:
            var = views.unsqueeze(var, -1)
        elif not (input.dim() == var.dim() and sum(y for x, y in zip(input._shape, var._shape) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    var = pointwise.clone(var)
    from ..autograd.grad_mode import no_grad

    with no_grad():
        var.clamp_(min=eps)
    loss = pointwise.mul(
        pointwise.add(pointwise.log(var), pointwise.div(pointwise.pow(pointwise.sub(input, target), 2), var)), 0.5
    )
    if full:
        loss = pointwise.add(loss, 0.5 * math.log(2 * math.pi))
    if reduction == "mean":
        return reductions.mean(loss)
    return reductions.sum(loss) if reduction == "sum" else loss


# ---- one_hot, normalize and distances -----------------------------------------------------------------------------
def one_hot(tensor, num_classes=-1):
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = [int(v) for v in tensor.contiguous()._values()]
    if num_classes == -1:
        if not values:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = max(values) + 1
    if values and min(values) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if values and max(values) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = [0] * (len(values) * num_classes)
    for i, v in enumerate(values):
        out[i * num_classes + v] = 1
    return Tensor._from_values(out, tensor._shape + (num_classes,), _dtype.int64)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """functional.py: input / norm(p, dim, keepdim).clamp_min(eps).expand_as(input)."""
    denom = reductions.norm(input, p, dim, keepdim=True).clamp_min(eps)
    denom = views.expand(denom, input._shape)
    if out is not None:
        from .pointwise import write_out

        return write_out(out, pointwise.div(input, denom), "div")
    return pointwise.div(input, denom)


@op(method=False)
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """ATen's cosine_similarity (Distance.cpp): each input divided by its 2-norm clamped to eps, then the sum of
    their products."""
    dtype = _dtype.result_type(x1, x2)
    if not dtype.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {_type_name(dtype)}")
    x1, x2 = (x if x.dtype.is_floating_point else x.to(dtype) for x in (x1, x2))
    shape = pointwise.broadcast_shapes(x1._shape, x2._shape)
    x1, x2 = (x if x._shape == shape else views.expand(x, shape) for x in (x1, x2))
    from ..autograd.grad_mode import no_grad

    norms = []
    for x in (x1, x2):
        norm = pointwise.clone(reductions.vector_norm(x, 2, dim, keepdim=True))
        with no_grad():
            norm.clamp_min_(eps)
        norms.append(norm)
    return reductions.sum(pointwise.mul(pointwise.div(x1, norms[0]), pointwise.div(x2, norms[1])), dim)


@op(method=False)
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """ATen's pairwise_distance: norm(x1 - x2 + eps, p, last dim), recorded as at::norm's NormBackward1."""
    dim = max(x1.dim(), x2.dim()) - 1
    diff = _scalar_add(pointwise.sub(x1, x2), eps)
    if not diff.dtype.is_floating_point:
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {_type_name(diff.dtype)}"
        )
    out = reductions.vector_norm(diff.detach(), p, dim, keepdim)
    return record(
        "NormBackward1",
        out,
        (diff,),
        lambda grad: (reductions._norm_backward(grad, diff, float(p), out, [diff._dim(dim)], keepdim),),
        saved=(diff, out),
    )
