"""Kernels of the torch.nn layers beyond convolution and max pooling: batch norm, layer norm, group norm, embedding,
average and adaptive pooling, padding, nearest interpolation, 1-d convolution and pooling.

The normalizations reproduce ATen's CPU kernels step by step (native/cpu/batch_norm_kernel.cpp,
layer_norm_kernel.cpp, group_norm_kernel.cpp, moments_utils.h): which sums are float32 vector lanes and which are
doubles, where GCC fused a multiply and an add into one FMA (checked against torch 2.13 on x86-64), and how the
vector reductions fold their lanes. Their backward functions compute in floats for that reason (no double backward).
"""

import math
from array import array

from .. import _dtype
from .._random import _add_f32, _fma_f32, _round_f32, _to_f32
from .._tensor import Tensor
from .._unsupported import unsupported
from ..autograd.graph import record
from . import views

# Float32 lanes of ATen's Vectorized<float> in the kernels torch 2.13 runs on x86-64 (8 also on AVX512 machines, as
# in reduction.py): the vector reductions (vec::reduce_all) add lanes i, i + 8, ... and then fold them as a tree.
VECTOR_WIDTH = 8
# at::get_num_threads() of the PyTorch whose results are reproduced: kernels that split rows between threads keep one
# float32 partial sum per thread (batch norm over (N, C) inputs, layer norm's weight gradients).
THREADS = 1


def _f32_tensor(values, shape):
    shape = tuple(shape)
    return Tensor._make(array("f", values), shape, views.contiguous_strides(shape), 0, _dtype.float32)


def _float32_values(tensor, what):
    if tensor.dtype is not _dtype.float32:
        raise unsupported(f"{what} on {tensor.dtype} tensors (only float32)")
    return list(tensor._values())


def _thread_chunks(n):
    """The row ranges at::parallel_for(0, n, 1) gives each thread (OpenMP: equal chunks, the last one shorter)."""
    threads = min(THREADS, n)
    if threads <= 1:
        return [(0, n)]
    chunk = -(-n // threads)
    return [(t * chunk, min(n, (t + 1) * chunk)) for t in range(threads) if t * chunk < n]


def _sum_f32(values):
    """Float32 values added one after another in float32."""
    total = 0.0
    for v in values:
        total = _to_f32(total + v)
    return total


def _reduce_all(values):
    """vec::reduce_all / map_reduce_all with `+` over already mapped float32 values: lanes accumulate values
    i, i + W, ... (a partial last vector only in its first lanes), then fold as the SIMD tree (lane j with j + W/2,
    then j + W/4, ...). Shorter rows than one vector are added one after another."""
    width = VECTOR_WIDTH
    if len(values) < width:
        return _sum_f32(values)
    lanes = list(values[:width])
    for start in range(width, len(values), width):
        chunk = values[start:start + width]
        lanes[:len(chunk)] = _add_f32(lanes[:len(chunk)], chunk)
    while len(lanes) > 1:
        half = len(lanes) // 2
        lanes = _add_f32(lanes[:half], lanes[half:])
    return lanes[0]


def _reduce_all_fma(xs, ys):
    """map2_reduce_all((x, y) -> x * y, +) as GCC compiled it: products of the full vectors rounded, then added to
    the lanes; those of a partial last vector fused into the lane sums (one rounding); a row shorter than a vector:
    rounded products added in turn."""
    width = VECTOR_WIDTH
    if len(xs) < width:
        return _sum_f32(_round_f32([x * y for x, y in zip(xs, ys)]))
    lanes = _round_f32([x * y for x, y in zip(xs[:width], ys[:width])])
    for start in range(width, len(xs), width):
        a, b = xs[start:start + width], ys[start:start + width]
        if len(a) < width:  # the partial last vector: fused
            lanes[:len(a)] = _fma_f32(a, b, lanes[:len(a)])
        else:
            lanes = _add_f32(lanes, _round_f32([x * y for x, y in zip(a, b)]))
    while len(lanes) > 1:
        half = len(lanes) // 2
        lanes = _add_f32(lanes[:half], lanes[half:])
    return lanes[0]

def _dsum(values):
    """A double accumulator over the values in order (ATen's acc_type<float> on CPU), never Python's sum()."""
    total = 0.0
    for v in values:
        total += v
    return total


# ---- batch norm -------------------------------------------------------------------------------------------------
def _channel_planes(values, n, c, size):
    """Per channel, the list of its (n) planes of `size` values."""
    return [[values[(i * c + ch) * size:(i * c + ch + 1) * size] for i in range(n)] for ch in range(c)]


def _batch_stats(values, n, c, size):
    """ATen's batch_norm_cpu_collect_stats: per channel the float32 mean and the float32 sum of squared deviations."""
    count = n * size
    means, var_sums = [], []
    if size > 1:  # batch_norm_cpu_collect_stats_contiguous_impl: double sums over each channel's planes
        for planes in _channel_planes(values, n, c, size):
            flat = [v for plane in planes for v in plane]
            mean = _to_f32(_dsum(flat) / count)
            deviations = _round_f32([v - mean for v in flat])
            means.append(mean)
            var_sums.append(_to_f32(_dsum(_round_f32([d * d for d in deviations]))))
        return means, var_sums
    # (N, C) inputs: the channels-last kernel, vectorized over channels: float32 running sums over each thread's rows
    # (one thread when there are no more rows than threads), then the double sum of the threads' sums
    rows = [values[i * c:(i + 1) * c] for i in range(n)]
    chunks = _thread_chunks(count) if count > THREADS else [(0, count)]
    partial = []
    for begin, end in chunks:
        acc = [0.0] * c
        for row in rows[begin:end]:
            acc = _add_f32(acc, row)
        partial.append(acc)
    means = [_to_f32(_dsum(p[ch] for p in partial) / count) for ch in range(c)]
    partial = []
    for begin, end in chunks:
        acc = [0.0] * c
        for row in rows[begin:end]:
            deviations = _round_f32([x - m for x, m in zip(row, means)])
            acc = _fma_f32(deviations, deviations, acc)  # y + (x - mean) * (x - mean), fused by GCC
        partial.append(acc)
    return means, [_to_f32(_dsum(p[ch] for p in partial)) for ch in range(c)]


def _inv_std_eval(running_var, eps):
    """1 / sqrt(running_var + eps) in float32, as batch_norm_cpu_collect_linear_and_constant_terms computes it."""
    eps32 = _to_f32(eps)
    return [_to_f32(1.0 / _to_f32(math.sqrt(_to_f32(v + eps32)))) for v in running_var]


def _update_running(buffer, stats, momentum, keep, fused):
    kept = _round_f32([keep * r for r in buffer._values()])
    # torch 2.13 rounds the running mean's two products; the running variance's first product is fused into the add
    buffer._write(_fma_f32(stats, momentum, kept) if fused else _add_f32(_round_f32([momentum * s for s in stats]), kept))
    buffer._version[0] += 1


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """torch.nn.functional.batch_norm: ATen's native_batch_norm on the CPU (recorded as NativeBatchNormBackward0)."""
    if input.dim() < 2:
        raise unsupported("torch.nn.functional.batch_norm on inputs of fewer than 2 dims")
    if training:
        size = input._shape[0] * math.prod(input._shape[2:])
        if size == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    elif running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    n, c = input._shape[0], input._shape[1]
    size = math.prod(input._shape[2:])
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    values = _float32_values(input, "batch_norm")
    w = _float32_values(weight, "batch_norm") if weight is not None else [1.0] * c
    b = _float32_values(bias, "batch_norm") if bias is not None else [0.0] * c
    count = n * size
    if training:
        means, var_sums = _batch_stats(values, n, c, size)
        count32 = _to_f32(count)
        # InvStd<double> of the float32 var_sum / n (a float division), stored as float32
        inv_stds = [_to_f32(1.0 / math.sqrt(_to_f32(s / count32) + eps)) if s or eps else 0.0 for s in var_sums]
        # running = momentum * stat + (1 - momentum) * running, in float32 (momentum rounded to float32 first)
        m32 = _to_f32(momentum)
        keep = _to_f32(1 - m32)
        if running_mean is not None:
            _update_running(running_mean, means, m32, keep, False)
        if running_var is not None:
            _update_running(running_var, [_to_f32(s / _to_f32(count - 1)) for s in var_sums], m32, keep, True)
    else:
        means = list(running_mean._values())
        inv_stds = _inv_std_eval(running_var._values(), eps)
    # output = input * alpha + beta, alpha = invstd * weight, beta = bias - mean * alpha (each an FMA in ATen)
    alpha = _round_f32([i * x for i, x in zip(inv_stds, w)])
    beta = _fma_f32([-m for m in means], alpha, b)
    out = [0.0] * len(values)
    for i in range(n):
        for ch in range(c):
            start = (i * c + ch) * size
            out[start:start + size] = _fma_f32(values[start:start + size], alpha[ch], beta[ch])
    result = _f32_tensor(out, input._shape)
    saved_means = means
    saved_inv_std = inv_stds if training else [
        _to_f32(1.0 / math.sqrt(v + eps)) for v in running_var._values()]  # the backward's own float math

    def backward(grad):
        return _batch_norm_backward(grad, values, input._shape, w, saved_means, saved_inv_std, training,
                                    (input.requires_grad, weight is not None and weight.requires_grad,
                                     bias is not None and bias.requires_grad))

    return record("NativeBatchNormBackward0", result, (input, weight, bias), backward,
                  saved=tuple(t for t in (input, weight) if t is not None))


def _batch_norm_backward(grad, values, shape, w, means, inv_stds, training, mask):
    """ATen's batch_norm_cpu_backward_contiguous_impl / _channels_last_impl, float for float."""
    n, c = shape[0], shape[1]
    size = math.prod(shape[2:])
    count = n * size
    if not grad.is_contiguous():  # e.g. the expanded gradient of out.sum(): ATen's generic path
        return _batch_norm_backward_strided(grad, values, shape, w, means, inv_stds, training, mask)
    dys = list(grad._values())
    if size > 1:
        sums, dotps = [], []
        for ch in range(c):
            total, dotp = 0.0, 0.0
            for i in range(n):
                start = (i * c + ch) * size
                dy, x = dys[start:start + size], values[start:start + size]
                total += _reduce_all(dy)
                dotp += _reduce_all_fma(_round_f32([v - means[ch] for v in x]), dy)
            sums.append(total)
            dotps.append(dotp)
        grad_means = [_to_f32(s / count) for s in sums]
        dotp32 = _round_f32(dotps)
    else:
        rows = range(n)
        partial_sums, partial_dotps = [], []
        for begin, end in _thread_chunks(n):
            acc_sum, acc_dotp = [0.0] * c, [0.0] * c
            for i in rows[begin:end]:
                dy, x = dys[i * c:(i + 1) * c], values[i * c:(i + 1) * c]
                acc_sum = _add_f32(acc_sum, dy)
                acc_dotp = _fma_f32(_round_f32([a - m for a, m in zip(x, means)]), dy, acc_dotp)
            partial_sums.append(acc_sum)
            partial_dotps.append(acc_dotp)
        sums = _round_f32([_dsum(p[ch] for p in partial_sums) for ch in range(c)])
        dotp32 = _round_f32([_dsum(p[ch] for p in partial_dotps) for ch in range(c)])
        dotps = dotp32
        grad_means = [_to_f32(s / _to_f32(count)) for s in sums]
    grad_input = grad_weight = grad_bias = None
    if mask[0]:
        out = [0.0] * len(values)
        count32 = _to_f32(count)
        for ch in range(c):
            inv, mean = inv_stds[ch], means[ch]
            if training:
                k = _to_f32(_to_f32(_to_f32(dotp32[ch] * inv) * inv) / count32)
            for i in range(n):
                start = (i * c + ch) * size
                dy = dys[start:start + size]
                if training:
                    # (dy - grad_mean - (x - mean) * k) * invstd * w, the subtraction of the product fused
                    centred = _round_f32([v - mean for v in values[start:start + size]])
                    shifted = _round_f32([d - grad_means[ch] for d in dy])
                    if size > 1:  # the contiguous kernel fuses the subtraction of the product; the channels-last one not
                        dx = _fma_f32([-v for v in centred], k, shifted)
                    else:
                        dx = _round_f32([p - _to_f32(q * k) for p, q in zip(shifted, centred)])
                    out[start:start + size] = _round_f32([_to_f32(d * inv) * w[ch] for d in dx])
                else:
                    out[start:start + size] = _round_f32([_to_f32(d * inv) * w[ch] for d in dy])
        grad_input = _f32_tensor(out, shape)
    if mask[1]:
        grad_weight = _f32_tensor([d * inv for d, inv in zip(dotps, inv_stds)], (c,))
    if mask[2]:
        grad_bias = _f32_tensor(sums, (c,))
    return grad_input, grad_weight, grad_bias


def _batch_norm_backward_strided(grad, values, shape, w, means, inv_stds, training, mask):
    """batch_norm_backward_cpu_template's TensorIterator path (scalar code, no fused multiply-adds)."""
    from .reduction import sum as reduce_sum
    n, c = shape[0], shape[1]
    size = math.prod(shape[2:])
    count32 = _to_f32(n * size)
    sums = list(reduce_sum(grad.detach(), [0] + list(range(2, len(shape))))._values())
    dys = list(grad._values())
    planes = _channel_planes(values, n, c, size)
    dy_planes = _channel_planes(dys, n, c, size)
    dotps = [_dsum(_round_f32([_to_f32(v - means[ch]) * d for plane, dplane in zip(planes[ch], dy_planes[ch])
                               for v, d in zip(plane, dplane)])) for ch in range(c)]
    grad_input = grad_weight = grad_bias = None
    if mask[0]:
        out = [0.0] * len(values)
        for ch in range(c):
            inv = inv_stds[ch]
            k = _to_f32(_to_f32(_to_f32(_to_f32(dotps[ch]) * inv) * inv) / count32)
            grad_mean = _to_f32(sums[ch] / count32)
            for i in range(n):
                start = (i * c + ch) * size
                dy = dys[start:start + size]
                if training:
                    gi = _round_f32([_to_f32(v - means[ch]) * k for v in values[start:start + size]])
                    dy = _round_f32([_to_f32(d - grad_mean) - g for d, g in zip(dy, gi)])
                out[start:start + size] = _round_f32([_to_f32(d * inv) * w[ch] for d in dy])
        grad_input = _f32_tensor(out, shape)
    if mask[1]:
        grad_weight = _f32_tensor([d * inv for d, inv in zip(dotps, inv_stds)], (c,))
    if mask[2]:
        grad_bias = _f32_tensor(sums, (c,))
    return grad_input, grad_weight, grad_bias


# ---- layer norm and group norm ----------------------------------------------------------------------------------
# Mean and variance are taken in double here where ATen runs Welford's algorithm over float32 vector lanes
# (moments_utils.h RowwiseMoments), so results can differ from PyTorch's in the last bit (tests allow 2 ulp).
def _moments(values, eps):
    count = len(values)
    mean = _dsum(values) / count
    var = _dsum([(v - mean) * (v - mean) for v in values]) / count
    mean32 = _to_f32(mean)
    return mean32, _to_f32(1.0 / _to_f32(math.sqrt(_to_f32(_to_f32(var) + _to_f32(eps)))))


def _normalize_backward(rows, dy_rows, stats, gammas):
    """d input of y = (x - mean) * rstd * gamma per row (gamma per element of the row), in double:
    rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gamma."""
    out = []
    for x, dy, (mean, rstd), gamma in zip(rows, dy_rows, stats, gammas):
        xhat = [(v - mean) * rstd for v in x]
        g = [d * w for d, w in zip(dy, gamma)]
        g_mean = _dsum(g) / len(g)
        gx_mean = _dsum([a * b for a, b in zip(g, xhat)]) / len(g)
        out.extend(rstd * (a - g_mean - h * gx_mean) for a, h in zip(g, xhat))
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """torch.nn.functional.layer_norm (ATen's native_layer_norm, recorded as NativeLayerNormBackward0)."""
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(normalized_shape)
    if input._shape[input.dim() - k:] != normalized_shape or k == 0:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{input.shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._shape != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t._shape)} and normalized_shape = {list(normalized_shape)}")
    n = math.prod(normalized_shape)
    values = _float32_values(input, "layer_norm")
    rows = [values[i:i + n] for i in range(0, len(values), n)]
    gamma = _float32_values(weight, "layer_norm") if weight is not None else [1.0] * n
    beta = _float32_values(bias, "layer_norm") if bias is not None else [0.0] * n
    stats = [_moments(row, eps) for row in rows]
    out = []
    for row, (mean, rstd) in zip(rows, stats):
        shift = _to_f32(-rstd * mean)
        # (x * rstd + (-rstd * mean)) * gamma + beta, each multiply-add fused as in ATen's vectorized loop
        out.extend(_fma_f32(_fma_f32(row, rstd, shift), gamma, beta))
    result = _f32_tensor(out, input._shape)

    def backward(grad):
        dys = list(grad.contiguous()._values())
        dy_rows = [dys[i:i + n] for i in range(0, len(dys), n)]
        grads = [None, None, None]
        if input.requires_grad:
            grads[0] = _f32_tensor(_normalize_backward(rows, dy_rows, stats, [gamma] * len(rows)), input._shape)
        if weight is not None and weight.requires_grad:
            grads[1] = _f32_tensor([_dsum([dy[j] * (row[j] - mean) * rstd for row, dy, (mean, rstd)
                                           in zip(rows, dy_rows, stats)]) for j in range(n)], normalized_shape)
        if bias is not None and bias.requires_grad:
            grads[2] = _f32_tensor([_dsum([dy[j] for dy in dy_rows]) for j in range(n)], normalized_shape)
        return tuple(grads)

    return record("NativeLayerNormBackward0", result, (input, weight, bias), backward,
                  saved=tuple(t for t in (input, weight, bias) if t is not None))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """torch.nn.functional.group_norm (ATen's native_group_norm, recorded as NativeGroupNormBackward0)."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    c = input._shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {input.shape} and num_groups={num_groups}")
    size = math.prod(input._shape[2:])
    per_group = c // num_groups * size
    values = _float32_values(input, "group_norm")
    gamma = _float32_values(weight, "group_norm") if weight is not None else [1.0] * c
    beta = _float32_values(bias, "group_norm") if bias is not None else [0.0] * c
    rows = [values[i:i + per_group] for i in range(0, len(values), per_group)]
    stats = [_moments(row, eps) for row in rows]
    out = []
    for r, (row, (mean, rstd)) in enumerate(zip(rows, stats)):
        first = (r % num_groups) * (c // num_groups)
        for j in range(c // num_groups):
            # ATen: scale = rstd * gamma, bias = beta - scale * mean, y = x * scale + bias
            scale = _to_f32(rstd * gamma[first + j])
            shift = _fma_f32([-scale], [mean], [beta[first + j]])[0]
            out.extend(_fma_f32(row[j * size:(j + 1) * size], scale, shift))
    result = _f32_tensor(out, input._shape)

    def backward(grad):
        dys = list(grad.contiguous()._values())
        dy_rows = [dys[i:i + per_group] for i in range(0, len(dys), per_group)]
        gammas = [[gamma[(r % num_groups) * (c // num_groups) + j // size] for j in range(per_group)]
                  for r in range(len(rows))]
        grads = [None, None, None]
        if input.requires_grad:
            grads[0] = _f32_tensor(_normalize_backward(rows, dy_rows, stats, gammas), input._shape)
        if weight is not None and weight.requires_grad or bias is not None and bias.requires_grad:
            dgamma, dbeta = [0.0] * c, [0.0] * c
            for r, (row, dy, (mean, rstd)) in enumerate(zip(rows, dy_rows, stats)):
                for j in range(per_group):
                    ch = (r % num_groups) * (c // num_groups) + j // size
                    dgamma[ch] += dy[j] * (row[j] - mean) * rstd
                    dbeta[ch] += dy[j]
            if weight is not None and weight.requires_grad:
                grads[1] = _f32_tensor(dgamma, (c,))
            if bias is not None and bias.requires_grad:
                grads[2] = _f32_tensor(dbeta, (c,))
        return tuple(grads)

    return record("NativeGroupNormBackward0", result, (input, weight, bias), backward,
                  saved=tuple(t for t in (input, weight, bias) if t is not None))
