"""Neural-network ops: convolution and max pooling (through the hot kernels), softmax, and the losses."""

from array import array

from .. import _dtype, _kernels
from .._tensor import Tensor
from .._unsupported import unsupported
from ..autograd.graph import record
from . import pointwise, reduction as reductions, views
from .registry import op


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
def _softmax_dim(input, dim):
    if dim is None:  # PyTorch's legacy implicit choice (with a warning there)
        dim = 0 if input.dim() in (0, 1, 3) else 1
    return input._dim(dim)


def _exp_shifted(input, dim):
    """exp(x - max over dim) and its sum over dim, the stable first step of (log_)softmax."""
    shifted = pointwise.sub(input, reductions.max(input, dim, keepdim=True).values)
    exps = pointwise.exp(shifted)
    return shifted, exps, reductions.sum(exps, dim, keepdim=True)


@op
def softmax(input, dim=None, dtype=None):
    dim = _softmax_dim(input, dim)
    source = input.detach() if dtype is None else input.detach().to(dtype)
    _, exps, total = _exp_shifted(source, dim)
    out = pointwise.div(exps, total)
    return record("SoftmaxBackward0", out, (input,),
                  lambda grad: (pointwise.mul(out, pointwise.sub(
                      grad, reductions.sum(pointwise.mul(grad, out), dim, keepdim=True))),), saved=(out,))


@op
def log_softmax(input, dim=None, dtype=None):
    dim = _softmax_dim(input, dim)
    source = input.detach() if dtype is None else input.detach().to(dtype)
    shifted, _, total = _exp_shifted(source, dim)
    out = pointwise.sub(shifted, pointwise.log(total))
    return record("LogSoftmaxBackward0", out, (input,),
                  lambda grad: (pointwise.sub(grad, pointwise.mul(
                      pointwise.exp(out), reductions.sum(grad, dim, keepdim=True))),), saved=(out,))


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
