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
        chunk = values[start : start + width]
        lanes[: len(chunk)] = _add_f32(lanes[: len(chunk)], chunk)
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
        a, b = xs[start : start + width], ys[start : start + width]
        if len(a) < width:  # the partial last vector: fused
            lanes[: len(a)] = _fma_f32(a, b, lanes[: len(a)])
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
    return [[values[(i * c + ch) * size : (i * c + ch + 1) * size] for i in range(n)] for ch in range(c)]


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
    rows = [values[i * c : (i + 1) * c] for i in range(n)]
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
    buffer._write(
        _fma_f32(stats, momentum, kept) if fused else _add_f32(_round_f32([momentum * s for s in stats]), kept)
    )
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
            out[start : start + size] = _fma_f32(values[start : start + size], alpha[ch], beta[ch])
    result = _f32_tensor(out, input._shape)
    saved_means = means
    saved_inv_std = (
        inv_stds if training else [_to_f32(1.0 / math.sqrt(v + eps)) for v in running_var._values()]
    )  # the backward's own float math

    def backward(grad):
        return _batch_norm_backward(
            grad,
            values,
            input._shape,
            w,
            saved_means,
            saved_inv_std,
            training,
            (input.requires_grad, weight is not None and weight.requires_grad, bias is not None and bias.requires_grad),
        )

    return record(
        "NativeBatchNormBackward0",
        result,
        (input, weight, bias),
        backward,
        saved=tuple(t for t in (input, weight) if t is not None),
    )


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
                dy, x = dys[start : start + size], values[start : start + size]
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
                dy, x = dys[i * c : (i + 1) * c], values[i * c : (i + 1) * c]
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
                dy = dys[start : start + size]
                if training:
                    # (dy - grad_mean - (x - mean) * k) * invstd * w, the subtraction of the product fused
                    centred = _round_f32([v - mean for v in values[start : start + size]])
                    shifted = _round_f32([d - grad_means[ch] for d in dy])
                    # the contiguous kernel fuses the subtraction of the product; the channels-last one not
                    if size > 1:
                        dx = _fma_f32([-v for v in centred], k, shifted)
                    else:
                        dx = _round_f32([p - _to_f32(q * k) for p, q in zip(shifted, centred)])
                    out[start : start + size] = _round_f32([_to_f32(d * inv) * w[ch] for d in dx])
                else:
                    out[start : start + size] = _round_f32([_to_f32(d * inv) * w[ch] for d in dy])
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
    dotps = [
        _dsum(
            _round_f32(
                [
                    _to_f32(v - means[ch]) * d
                    for plane, dplane in zip(planes[ch], dy_planes[ch])
                    for v, d in zip(plane, dplane)
                ]
            )
        )
        for ch in range(c)
    ]
    grad_input = grad_weight = grad_bias = None
    if mask[0]:
        out = [0.0] * len(values)
        for ch in range(c):
            inv = inv_stds[ch]
            k = _to_f32(_to_f32(_to_f32(_to_f32(dotps[ch]) * inv) * inv) / count32)
            grad_mean = _to_f32(sums[ch] / count32)
            for i in range(n):
                start = (i * c + ch) * size
                dy = dys[start : start + size]
                if training:
                    gi = _round_f32([_to_f32(v - means[ch]) * k for v in values[start : start + size]])
                    dy = _round_f32([_to_f32(d - grad_mean) - g for d, g in zip(dy, gi)])
                out[start : start + size] = _round_f32([_to_f32(d * inv) * w[ch] for d in dy])
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
    if input._shape[input.dim() - k :] != normalized_shape or k == 0:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{input.shape}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._shape != normalized_shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                f"{list(t._shape)} and normalized_shape = {list(normalized_shape)}"
            )
    n = math.prod(normalized_shape)
    values = _float32_values(input, "layer_norm")
    rows = [values[i : i + n] for i in range(0, len(values), n)]
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
        dy_rows = [dys[i : i + n] for i in range(0, len(dys), n)]
        grads = [None, None, None]
        if input.requires_grad:
            grads[0] = _f32_tensor(_normalize_backward(rows, dy_rows, stats, [gamma] * len(rows)), input._shape)
        if weight is not None and weight.requires_grad:
            grads[1] = _f32_tensor(
                [
                    _dsum([dy[j] * (row[j] - mean) * rstd for row, dy, (mean, rstd) in zip(rows, dy_rows, stats)])
                    for j in range(n)
                ],
                normalized_shape,
            )
        if bias is not None and bias.requires_grad:
            grads[2] = _f32_tensor([_dsum([dy[j] for dy in dy_rows]) for j in range(n)], normalized_shape)
        return tuple(grads)

    return record(
        "NativeLayerNormBackward0",
        result,
        (input, weight, bias),
        backward,
        saved=tuple(t for t in (input, weight, bias) if t is not None),
    )


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """torch.nn.functional.group_norm (ATen's native_group_norm, recorded as NativeGroupNormBackward0)."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    c = input._shape[1]
    if c % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got input of "
            f"shape {input.shape} and num_groups={num_groups}"
        )
    size = math.prod(input._shape[2:])
    per_group = c // num_groups * size
    values = _float32_values(input, "group_norm")
    gamma = _float32_values(weight, "group_norm") if weight is not None else [1.0] * c
    beta = _float32_values(bias, "group_norm") if bias is not None else [0.0] * c
    rows = [values[i : i + per_group] for i in range(0, len(values), per_group)]
    stats = [_moments(row, eps) for row in rows]
    out = []
    for r, (row, (mean, rstd)) in enumerate(zip(rows, stats)):
        first = (r % num_groups) * (c // num_groups)
        for j in range(c // num_groups):
            # ATen: scale = rstd * gamma, bias = beta - scale * mean, y = x * scale + bias
            scale = _to_f32(rstd * gamma[first + j])
            shift = _fma_f32([-scale], [mean], [beta[first + j]])[0]
            out.extend(_fma_f32(row[j * size : (j + 1) * size], scale, shift))
    result = _f32_tensor(out, input._shape)

    def backward(grad):
        dys = list(grad.contiguous()._values())
        dy_rows = [dys[i : i + per_group] for i in range(0, len(dys), per_group)]
        gammas = [
            [gamma[(r % num_groups) * (c // num_groups) + j // size] for j in range(per_group)]
            for r in range(len(rows))
        ]
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

    return record(
        "NativeGroupNormBackward0",
        result,
        (input, weight, bias),
        backward,
        saved=tuple(t for t in (input, weight, bias) if t is not None),
    )


# ---- embedding --------------------------------------------------------------------------------------------------
def _rounding(dtype):
    """How a step of a float kernel rounds in `dtype`: to float32, or not at all (float64)."""
    return _to_f32 if dtype is _dtype.float32 else float


def _pick_rows(weight, picks, shape):
    """The rows of a 2-D `weight` at `picks`, shaped shape + (row length,)."""
    width = weight._shape[1]
    values = weight._values()
    out = []
    for k in picks:
        out.extend(values[k * width : (k + 1) * width])
    return Tensor._from_values(out, tuple(shape) + (width,), weight.dtype)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """torch.nn.functional.embedding: the rows of weight the indices pick (ATen's embedding, EmbeddingBackward0)."""
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= weight.size(0) or padding_idx < 0 and padding_idx < -weight.size(0):
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        raise unsupported("torch.nn.functional.embedding(max_norm=...)", "it renormalizes weight rows in place")
    if sparse:
        raise unsupported("torch.nn.functional.embedding(sparse=True)", "no sparse gradients")
    if input.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
            f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)"
        )
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    picks = [int(i) for i in input._values()]
    if any(not 0 <= k < weight._shape[0] for k in picks):
        raise IndexError("index out of range in self")
    out = _pick_rows(weight.detach(), picks, input._shape)
    rows, width = weight._shape

    def backward(grad):
        return (_embedding_dense_backward(grad, picks, input._shape, rows, padding_idx, scale_grad_by_freq),)

    return record("EmbeddingBackward0", out, (weight,), backward)


def _embedding_dense_backward(grad, picks, index_shape, rows, padding_idx, scale_grad_by_freq):
    """ATen's embedding_dense_backward_cpu: grad_weight[k] += grad[i] (times 1/count(k) with scale_grad_by_freq,
    an add with alpha: a fused multiply-add) for i in index order, skipping padding_idx."""
    width = grad._shape[-1]
    g = grad.contiguous()._values()
    rnd = _rounding(grad.dtype)
    counts = {}
    for k in picks:
        counts[k] = counts.get(k, 0) + 1
    out = [0.0] * (rows * width)
    for i, k in enumerate(picks):
        if k == padding_idx:
            continue
        base, row = k * width, g[i * width : (i + 1) * width]
        if scale_grad_by_freq:
            scale = rnd(1.0 / counts[k])
            fused = (
                _fma_f32(row, scale, out[base : base + width])
                if rnd is _to_f32
                else [a + scale * b for a, b in zip(out[base : base + width], row)]
            )
            out[base : base + width] = fused
        else:
            out[base : base + width] = [rnd(a + b) for a, b in zip(out[base : base + width], row)]
    result = Tensor._from_values(out, (rows, width), grad.dtype)

    def double_backward(gg):  # ATen's embedding_dense_double_backward: gg's rows picked again, padding rows zeroed
        picked = _pick_rows(gg, picks, index_shape)
        if padding_idx in picks:
            keep = Tensor._from_values([float(k != padding_idx) for k in picks], tuple(index_shape) + (1,), gg.dtype)
            picked = picked * keep
        return (picked,)

    return record("EmbeddingDenseBackwardBackward0", result, (grad,), double_backward)


# ---- pooling ----------------------------------------------------------------------------------------------------
# ATen's CPU pooling kernels (native/cpu/AvgPoolKernel.cpp, AdaptiveAvgPoolKernel.cpp, MaxPoolKernel.cpp,
# AdaptiveMaxPoolKernel.cpp): per output element a window summed (in float32 for float32 tensors: opmath_type<float>
# is float) or maxed in row-major order; their backward kernels add each output's share into the input gradient in
# output order, one rounded step at a time. A window is given here as the list of its cells (indices in a plane).
# Backward results are recorded as ops of the gradient (linear in it), so a double backward works.
def _pool_arg(value, name, what):
    value = (value,) * 2 if isinstance(value, int) else tuple(value)
    if len(value) == 1:
        value *= 2
    if len(value) != 2:
        raise RuntimeError(f"{what}: {name} must either be a single int, or a tuple of two ints")
    return value


def _pool_output_size(size, kernel, pad, stride, dilation, ceil_mode):
    """ATen's pooling_output_shape."""
    out = (size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _check_pool_input(input, what, message=None):
    if input.dim() not in (3, 4):
        raise RuntimeError(message or f"{what}(): Expected 3D or 4D tensor, but got {list(input._shape)}")
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise unsupported(f"torch.nn.functional.{what} on {input.dtype} tensors")


def _check_pads(kernel, padding, dilation):
    """ATen's pooling_output_shape_pad_lr check, height first."""
    for k, p, d in zip(kernel, padding, dilation):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} "
                f"and dilation={d}"
            )


def _check_output_size(input, out_h, out_w):
    if out_h <= 0 or out_w <= 0:
        c, h, w = input._shape[-3:]
        raise RuntimeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{out_h}x{out_w}). Output size is too small"
        )


def _box(ih0, ih1, iw0, iw1, width, dh=1, dw=1):
    return [ih * width + iw for ih in range(ih0, ih1, dh) for iw in range(iw0, iw1, dw)]


def _plane_values(tensor, plane_size):
    values = tensor.contiguous()._values()
    return [values[i : i + plane_size] for i in range(0, len(values), plane_size)]


def _sum_pool(input, windows, out_hw, node, again):
    """windows: (cells, divisors) per output element; each output is its cells' sum divided by each divisor in
    turn. again(gg): the same pooling of gg (the derivative of this pooling's backward w.r.t. its gradient)."""
    rnd = _rounding(input.dtype)
    height, width = input._shape[-2:]
    out = []
    for plane in _plane_values(input.detach(), height * width):
        for cells, divisors in windows:
            total = 0.0
            for cell in cells:
                total = rnd(total + plane[cell])
            for d in divisors:
                total = rnd(total / d)
            out.append(rnd(0.0 + total) if cells else 0.0)  # ATen adds the average into a zeroed output
    result = Tensor._from_values(out, input._shape[:-2] + out_hw, input.dtype)

    def backward(grad):
        rnd = _rounding(grad.dtype)
        gin = []
        for plane in _plane_values(grad, len(windows)):
            acc = [0.0] * (height * width)
            for g, (cells, divisors) in zip(plane, windows):
                for d in divisors:
                    g = rnd(g / d)
                for cell in cells:
                    acc[cell] = rnd(acc[cell] + g)
            gin.extend(acc)
        grad_input = Tensor._from_values(gin, input._shape, grad.dtype)
        return (record(node.replace("Backward0", "BackwardBackward0"), grad_input, (grad,), lambda gg: (again(gg),)),)

    return record(node, result, (input,), backward)


def _max_pool(input, windows, out_hw, node, return_indices):
    """windows: (cells, first cell) per output element: the max of the cells (the first largest; a NaN wins, the
    last NaN), its index the first cell's when the window is empty (ATen's cpu_max_pool)."""
    height, width = input._shape[-2:]
    out, indices = [], []
    for plane in _plane_values(input.detach(), height * width):
        for cells, first in windows:
            best, index = -math.inf, first
            for cell in cells:
                v = plane[cell]
                if v > best or v != v:
                    best, index = v, cell
            out.append(best)
            indices.append(index)
    out_shape = input._shape[:-2] + out_hw
    result = Tensor._from_values(out, out_shape, input.dtype)
    rows = [indices[i : i + len(windows)] for i in range(0, len(indices), len(windows))]

    def backward(grad):
        rnd = _rounding(grad.dtype)
        gin = []
        for plane, picks in zip(_plane_values(grad, len(windows)), rows):
            acc = [0.0] * (height * width)
            for g, cell in zip(plane, picks):
                acc[cell] = rnd(acc[cell] + g)
            gin.extend(acc)
        grad_input = Tensor._from_values(gin, input._shape, grad.dtype)

        def double_backward(gg):  # the gradient's gradient picked at the max positions
            values = [plane[cell] for plane, picks in zip(_plane_values(gg, height * width), rows) for cell in picks]
            return (Tensor._from_values(values, out_shape, gg.dtype),)

        return (record(node.replace("Backward0", "BackwardBackward0"), grad_input, (grad,), double_backward),)

    record(node, result, (input,), backward)
    if return_indices:
        return result, Tensor._from_values(indices, out_shape, _dtype.int64)
    return result


def avg_pool2d(
    input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None
):
    _check_pool_input(input, "avg_pool2d", "non-empty 3D or 4D (batch mode) tensor expected for input")
    kh, kw = _pool_arg(kernel_size, "kernel_size", "avg_pool2d")
    sh, sw = _pool_arg(stride, "stride", "avg_pool2d") if stride not in (None, ()) else (kh, kw)
    ph, pw = _pool_arg(padding, "padding", "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_pads((kh, kw), (ph, pw), (1, 1))
    height, width = input._shape[-2:]
    out_h = _pool_output_size(height, kh, ph, sh, 1, ceil_mode)
    out_w = _pool_output_size(width, kw, pw, sw, 1, ceil_mode)
    _check_output_size(input, out_h, out_w)
    windows = []
    for oh in range(out_h):
        for ow in range(out_w):  # cpu_avg_pool: the window clipped to the padded input, then to the input
            ih0, iw0 = oh * sh - ph, ow * sw - pw
            ih1, iw1 = min(ih0 + kh, height + ph), min(iw0 + kw, width + pw)
            pool_size = (ih1 - ih0) * (iw1 - iw0)
            ih0, iw0, ih1, iw1 = max(ih0, 0), max(iw0, 0), min(ih1, height), min(iw1, width)
            if divisor_override is not None:
                divisor = divisor_override
            else:
                divisor = pool_size if count_include_pad else (ih1 - ih0) * (iw1 - iw0)
            windows.append((_box(ih0, ih1, iw0, iw1, width), (divisor,)))
    return _sum_pool(
        input,
        windows,
        (out_h, out_w),
        "AvgPool2DBackward0",
        lambda gg: avg_pool2d(gg, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override),
    )


def _adaptive_size(input, output_size, what):
    size = (output_size,) * 2 if isinstance(output_size, int) or output_size is None else tuple(output_size)
    if len(size) != 2:
        raise RuntimeError(f"{what}: output_size must be 2")
    return tuple(s if s is not None else input._shape[-2 + i] for i, s in enumerate(size))


def _adaptive_bounds(o, out, size):
    """ATen's start_index and end_index (AdaptivePooling.h)."""
    return (o * size) // out, -(-((o + 1) * size) // out)


def adaptive_avg_pool2d(input, output_size):
    _check_pool_input(input, "adaptive_avg_pool2d")
    out_h, out_w = _adaptive_size(input, output_size, "adaptive_avg_pool2d")
    if (out_h, out_w) == (1, 1):  # ATen: then it is a mean over the last two dims (MeanBackward1)
        from . import reduction

        return reduction.mean(input, (-1, -2), keepdim=True)
    height, width = input._shape[-2:]
    windows = []
    for oh in range(out_h):
        ih0, ih1 = _adaptive_bounds(oh, out_h, height)
        for ow in range(out_w):
            iw0, iw1 = _adaptive_bounds(ow, out_w, width)
            windows.append((_box(ih0, ih1, iw0, iw1, width), (ih1 - ih0, iw1 - iw0)))  # sum / kh / kw
    return _sum_pool(
        input, windows, (out_h, out_w), "AdaptiveAvgPool2DBackward0", lambda gg: adaptive_avg_pool2d(gg, output_size)
    )


def adaptive_max_pool2d(input, output_size, return_indices=False):
    _check_pool_input(
        input, "adaptive_max_pool2d", f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: {list(input._shape)}"
    )
    out_h, out_w = _adaptive_size(input, output_size, "adaptive_max_pool2d")
    height, width = input._shape[-2:]
    windows = []
    for oh in range(out_h):
        ih0, ih1 = _adaptive_bounds(oh, out_h, height)
        for ow in range(out_w):
            iw0, iw1 = _adaptive_bounds(ow, out_w, width)
            windows.append((_box(ih0, ih1, iw0, iw1, width), ih0 * width + iw0))
    return _max_pool(input, windows, (out_h, out_w), "AdaptiveMaxPool2DBackward0", return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """torch.nn.functional.max_pool2d: the fast kernel of nn_ops where it applies, else ATen's cpu_max_pool here.
    The kernel adds up an input's gradient shares in a double, ATen in float32 steps: only windows that do not
    overlap (stride >= kernel: one share per input) go to it."""
    kernel = _pool_arg(kernel_size, "kernel_size", "max_pool2d")
    steps = _pool_arg(stride, "stride", "max_pool2d") if stride not in (None, ()) else kernel
    if (
        _pool_arg(dilation, "dilation", "max_pool2d") == (1, 1)
        and not ceil_mode
        and input.dim() in (3, 4)
        and input.dtype is _dtype.float32
        and all(s >= k for s, k in zip(steps, kernel))
    ):
        from .nn_ops import max_pool2d as fast

        return fast(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    _check_pool_input(input, "max_pool2d", "non-empty 3D or 4D (batch mode) tensor expected for input")
    kh, kw = _pool_arg(kernel_size, "kernel_size", "max_pool2d")
    sh, sw = _pool_arg(stride, "stride", "max_pool2d") if stride not in (None, ()) else (kh, kw)
    ph, pw = _pool_arg(padding, "padding", "max_pool2d")
    dh, dw = _pool_arg(dilation, "dilation", "max_pool2d")
    _check_pads((kh, kw), (ph, pw), (dh, dw))
    height, width = input._shape[-2:]
    out_h = _pool_output_size(height, kh, ph, sh, dh, ceil_mode)
    out_w = _pool_output_size(width, kw, pw, sw, dw, ceil_mode)
    _check_output_size(input, out_h, out_w)
    windows = []
    for oh in range(out_h):
        for ow in range(out_w):
            ih0, iw0 = oh * sh - ph, ow * sw - pw
            ih1, iw1 = min(ih0 + (kh - 1) * dh + 1, height), min(iw0 + (kw - 1) * dw + 1, width)
            while ih0 < 0:
                ih0 += dh
            while iw0 < 0:
                iw0 += dw
            windows.append((_box(ih0, ih1, iw0, iw1, width, dh, dw), ih0 * width + iw0))
    return _max_pool(input, windows, (out_h, out_w), "MaxPool2DWithIndicesBackward0", return_indices)


# 1-d pooling: ATen's *_pool1d unsqueeze a height of 1, pool in 2-d and squeeze it again (recorded as such)
def _as_2d(input, what, message=None):
    if input.dim() not in (2, 3):
        raise RuntimeError(
            message
            or f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for "
            f"argument #1 'self' (while checking arguments for {what})"
        )
    return views.unsqueeze(input, -2)


def _one(value, name, what):
    value = (value,) if isinstance(value, int) else tuple(value)
    if len(value) != 1:
        raise RuntimeError(f"{what}() argument '{name}' should contain one int (got {len(value)})")
    return value[0]


def _squeeze_result(result):
    if isinstance(result, tuple):
        return tuple(views.squeeze(r, -2) for r in result)
    return views.squeeze(result, -2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    x = _as_2d(
        input,
        "max_pool1d",
        "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch "
        f"size for input, but got:{list(input._shape)}",
    )
    kernel = _one(kernel_size, "kernel_size", "max_pool1d")
    stride = _one(stride, "stride", "max_pool1d") if stride not in (None, ()) else kernel
    return _squeeze_result(
        max_pool2d(
            x,
            (1, kernel),
            (1, stride),
            (0, _one(padding, "padding", "max_pool1d")),
            (1, _one(dilation, "dilation", "max_pool1d")),
            ceil_mode,
            return_indices,
        )
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    x = _as_2d(input, "avg_pool1d")
    kernel = _one(kernel_size, "kernel_size", "avg_pool1d")
    stride = _one(stride, "stride", "avg_pool1d") if stride not in (None, ()) else kernel
    return _squeeze_result(
        avg_pool2d(
            x, (1, kernel), (1, stride), (0, _one(padding, "padding", "avg_pool1d")), ceil_mode, count_include_pad
        )
    )


def adaptive_avg_pool1d(input, output_size):
    x = _as_2d(input, "adaptive_avg_pool1d")
    return _squeeze_result(adaptive_avg_pool2d(x, (1, _one(output_size, "output_size", "adaptive_avg_pool1d"))))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    x = _as_2d(input, "adaptive_max_pool1d")
    return _squeeze_result(
        adaptive_max_pool2d(x, (1, _one(output_size, "output_size", "adaptive_max_pool1d")), return_indices)
    )


# ---- 1-d convolution --------------------------------------------------------------------------------------------
def _single(value, name):
    value = (value,) if isinstance(value, int) else tuple(value)
    if len(value) != 1:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of 1 values to match the "
            f"convolution dimensions, but got {name}={list(value)}"
        )
    return value[0]


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv1d. ATen's convolution views a 1-d convolution as a 2-d one of height 1 inside its
    one ConvolutionBackward0 node; so does this, through the 2-d kernel (same float order as PyTorch's conv2d)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: {list(input._shape)}"
        )
    if input.dim() == 2:
        return views.squeeze(conv1d(views.unsqueeze(input, 0), weight, bias, stride, padding, dilation, groups), 0)
    if groups != 1 or _single(dilation, "dilation") != 1:
        raise unsupported("torch.nn.functional.conv1d with dilation or groups")
    if isinstance(padding, str):
        if padding != "valid":
            raise unsupported(f"torch.nn.functional.conv1d(padding={padding!r})")
        padding = 0
    stride, padding = _single(stride, "stride"), _single(padding, "padding")
    if weight.dim() != 3 or input._shape[1] != weight._shape[1]:
        raise RuntimeError(
            f"Given groups=1, weight of size {list(weight._shape)}, expected input"
            f"{list(input._shape)} to have {weight._shape[1]} channels, but got {input._shape[1]} "
            "channels instead"
        )
    from ..autograd.grad_mode import enable_grad, is_grad_enabled
    from .nn_ops import conv2d

    # the 2-d convolution of detached height-1 views, whose own node gives the gradients of this one
    leaves = [views.unsqueeze(t.detach(), 2) if t is not None else None for t in (input, weight)] + [
        bias.detach() if bias is not None else None
    ]
    tracked = is_grad_enabled() and any(t is not None and t.requires_grad for t in (input, weight, bias))
    if tracked:
        for leaf, t in zip(leaves, (input, weight, bias)):
            if t is not None:
                leaf.requires_grad_(t.requires_grad)
    with enable_grad():
        out2 = conv2d(leaves[0], leaves[1], leaves[2], (1, stride), (0, padding))
    node = out2.grad_fn
    out = views.squeeze(out2.detach(), 2)

    def backward(grad):
        grads = node._apply(views.unsqueeze(grad.contiguous(), 2))
        return tuple(views.squeeze(g, 2) if g is not None and i < 2 else g for i, g in enumerate(grads))

    return record("ConvolutionBackward0", out, (input, weight, bias), backward) if tracked else out


# ---- padding and nearest upsampling -----------------------------------------------------------------------------
def _remap_offsets(shape, maps):
    """Flat source offsets (contiguous `shape`) of out[i0, ..., ik] = in[maps[0][i0], ...] for maps of the trailing
    dims (identity on the leading ones); None where a map entry is None."""
    strides = views.contiguous_strides(shape)
    maps = [range(size) for size in shape[: len(shape) - len(maps)]] + list(maps)
    offsets = [0]
    for m, stride in zip(maps, strides):
        offsets = [None if o is None or k is None else o + k * stride for o in offsets for k in m]
    return offsets


def _gather(input, maps, node, again, backward_maps=None):
    """out[...] = input[...] through the index maps of the trailing dims; the backward adds each output's gradient
    into its source (by backward_maps if given) in output order (ATen's padding and upsample_nearest backward
    kernels)."""
    offsets = _remap_offsets(input._shape, maps)
    back_offsets = _remap_offsets(input._shape, backward_maps) if backward_maps else offsets
    src = input.detach().contiguous()._values()
    out_shape = input._shape[: input.dim() - len(maps)] + tuple(len(m) for m in maps)
    result = Tensor._from_values([src[o] for o in offsets], out_shape, input.dtype)

    def backward(grad):
        rnd = _rounding(grad.dtype) if grad.dtype.is_floating_point else int
        acc = [0.0 if rnd is not int else 0] * input.numel()
        for o, g in zip(back_offsets, grad.contiguous()._values()):
            acc[o] = rnd(acc[o] + g)
        grad_input = Tensor._from_values(acc, input._shape, grad.dtype)
        return (record(node.replace("Backward0", "BackwardBackward0"), grad_input, (grad,), lambda gg: (again(gg),)),)

    return record(node, result, (input,), backward)


def _check_pad_length(input, pad):
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got "
            f"padding length {len(pad)} and input of dimension {input.dim()}"
        )


def _constant_pad(input, pad, value):
    """ATen's constant_pad_nd (negative pads crop), recorded as ConstantPadNdBackward0."""
    _check_pad_length(input, pad)
    maps = []
    for k in range(len(pad) // 2):
        dim = input.dim() - 1 - k
        size, before, after = input._shape[dim], pad[2 * k], pad[2 * k + 1]
        if size + min(before, 0) < 0 or size + min(before, 0) + min(after, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")  # ATen crops negative pads by narrow()
        maps.insert(0, [j - before if 0 <= j - before < size else None for j in range(size + before + after)])
    offsets = _remap_offsets(input._shape, maps)
    src = input.detach().contiguous()._values()
    fill = input.dtype.cast(value)
    out_shape = input._shape[: input.dim() - len(maps)] + tuple(len(m) for m in maps)
    result = Tensor._from_values([fill if o is None else src[o] for o in offsets], out_shape, input.dtype)
    return record("ConstantPadNdBackward0", result, (input,), lambda grad: (_constant_pad(grad, [-p for p in pad], 0),))


_PAD_DIMS = {2: (2, 3), 4: (3, 4), 6: (4, 5)}  # pad length -> the input ranks a reflect/replicate pad accepts


def pad(input, pad, mode="constant", value=None):
    """torch.nn.functional.pad: constant (any rank, negative pads crop), reflect and replicate (1 to 3 dims)."""
    pad = list(pad)
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    _check_pad_length(input, pad)
    if mode == "constant":
        return _constant_pad(input, pad, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if input.dim() not in _PAD_DIMS.get(len(pad), ()):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    if mode == "circular":
        raise unsupported("torch.nn.functional.pad(mode='circular')")
    maps = []
    for k in range(len(pad) // 2):
        dim = input.dim() - 1 - k
        size, before, after = input._shape[dim], pad[2 * k], pad[2 * k + 1]
        if mode == "reflect" and (before >= size or after >= size):
            raise RuntimeError(
                f"Argument #{4 + 2 * k}: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({before}, {after}) at dimension {dim} of input "
                f"{list(input._shape)}"
            )
        positions = [j - before for j in range(size + before + after)]
        if mode == "reflect":
            positions = [-i if i < 0 else 2 * (size - 1) - i if i >= size else i for i in positions]
        else:
            positions = [min(max(i, 0), size - 1) for i in positions]
        maps.insert(0, positions)
    node = f"{'Reflection' if mode == 'reflect' else 'Replication'}Pad{len(pad) // 2}DBackward0"
    return _gather(input, maps, node, lambda gg: globals()["pad"](gg, pad, mode))


def _nearest_source(out_size, in_size, scale, shortcuts=False):
    """The source index of each output: floorf(dst * scale) in float32 with scale = (float)(1 / scale_factor), or
    (float)in / out when no scale factor is passed on. ATen's nearest_idx first takes shortcuts for equal and
    doubled sizes: its backward kernels and its 2-d forward kernel use it, the 1-d and 3-d forward kernels do not
    (with a scale factor near 2 they disagree)."""
    if shortcuts and out_size == in_size:
        return list(range(out_size))
    if shortcuts and out_size == 2 * in_size:
        return [j >> 1 for j in range(out_size)]
    scale = _to_f32(1.0 / scale) if scale is not None and scale > 0 else _to_f32(in_size / out_size)
    return [min(math.floor(_to_f32(j * scale)), in_size - 1) for j in range(out_size)]


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """torch.nn.functional.interpolate for mode='nearest' (and 'area', an adaptive average pooling)."""
    if mode not in ("nearest", "area"):
        raise unsupported(f"torch.nn.functional.interpolate(mode={mode!r})", "only 'nearest' and 'area'")
    if align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear"
        )
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with spatial "
                    f"dimensions of {list(input.shape[2:])} and output size of {size}. Please provide input tensor "
                    "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format."
                )
            output_size = list(size)
        else:
            output_size = [size] * dim
        scales = [None] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(input.shape[2:])} and scale_factor of shape {scale_factor}. Please "
                    "provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                    "format."
                )
            scales = list(scale_factor)
        else:
            scales = [scale_factor] * dim
        output_size = [int(input._shape[2 + i] * s) for i, s in enumerate(scales)]
        if recompute_scale_factor or mode == "area":
            scales = [None] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if antialias:
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input"
        )
    if dim not in (1, 2, 3):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) "
            f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})"
        )
    if mode == "area":
        if dim == 3:
            raise unsupported("torch.nn.functional.interpolate(mode='area') of 5-D inputs")
        return (adaptive_avg_pool1d if dim == 1 else adaptive_avg_pool2d)(input, output_size)
    if any(s <= 0 for s in output_size):
        raise RuntimeError(
            f"Input and output sizes should be greater than 0, but got input ({dim}D): "
            f"{tuple(input._shape[2:])} output ({dim}D): {tuple(output_size)}"
        )
    sizes = list(zip(output_size, input._shape[2:], scales))
    return _gather(
        input,
        [_nearest_source(*s, shortcuts=dim == 2) for s in sizes],
        f"UpsampleNearest{dim}DBackward0",
        lambda gg: interpolate(gg, size, scale_factor, mode, align_corners, recompute_scale_factor),
        [_nearest_source(*s, shortcuts=True) for s in sizes],
    )


# ---- transposed 2-d convolution ---------------------------------------------------------------------------------
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """torch.nn.functional.conv_transpose2d: the gradient of conv2d with respect to its input, computed by the 2-d
    kernel's backward (a double sum rounded once). ATen runs mkldnn's deconvolution instead, with float32 partial
    sums in its own order: results agree to about 1e-6 relative, not bit for bit."""
    if input.dim() == 3:
        return views.squeeze(
            conv_transpose2d(
                views.unsqueeze(input, 0), weight, bias, stride, padding, output_padding, groups, dilation
            ),
            0,
        )
    if input.dim() != 4:
        raise RuntimeError(
            f"Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of "
            f"size: {list(input._shape)}"
        )
    if groups != 1 or _pool_arg(dilation, "dilation", "conv_transpose2d") != (1, 1):
        raise unsupported("torch.nn.functional.conv_transpose2d with groups or dilation")
    stride, padding = _pool_arg(stride, "stride", "conv_transpose2d"), _pool_arg(padding, "padding", "conv_transpose2d")
    output_padding = _pool_arg(output_padding, "output_padding", "conv_transpose2d")
    if weight.dim() != 4 or input._shape[1] != weight._shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight._shape)}, expected input"
            f"{list(input._shape)} to have {weight._shape[0]} channels, but got {input._shape[1]} "
            "channels instead"
        )
    if any(op >= s for op, s in zip(output_padding, stride)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: {output_padding[1]} "
            f"stride_height: {stride[0]} stride_width: {stride[1]} dilation_height: 1 "
            "dilation_width: 1"
        )
    n, _, height, width = input._shape
    out_shape = (n, weight._shape[1]) + tuple(
        (size - 1) * s - 2 * p + k + op
        for size, s, p, k, op in zip((height, width), stride, padding, weight._shape[2:], output_padding)
    )
    if min(out_shape[2:]) < (1 if n == 1 else 0):  # ATen's batch-of-one path (slow_conv_transpose2d) refuses 0 too
        raise RuntimeError(
            f"Given input size per channel: ({height} x {width}). Calculated output size per channel: "
            f"({out_shape[2]} x {out_shape[3]}). Output size is too small"
        )
    from ..autograd.grad_mode import enable_grad, is_grad_enabled
    from . import creation, pointwise, reduction
    from .nn_ops import conv2d

    def conv(x, w, want):
        """conv2d(x, w) of detached tensors, with its node; want: which of (x, w) get gradients."""
        x, w = x.detach(), w.detach()
        x.requires_grad_(want[0])
        w.requires_grad_(want[1])
        with enable_grad():
            out = conv2d(x, w, None, stride, padding)
        return out.detach(), out.grad_fn

    if 0 in out_shape:  # PyTorch returns the empty result; every gradient is zero
        return record(
            "ConvolutionBackward0",
            creation.zeros(out_shape),
            (input, weight, bias),
            lambda grad: tuple(creation.zeros_like(t) if t is not None else None for t in (input, weight, bias)),
        )
    _, node = conv(creation.zeros(out_shape), weight, (True, False))
    out = node._apply(input.detach().contiguous())[0]
    if bias is not None:
        out = pointwise.add(out, views.view(bias.detach(), (1, -1, 1, 1)))
    if not (is_grad_enabled() and any(t is not None and t.requires_grad for t in (input, weight, bias))):
        return out

    def backward(grad):
        want_w = weight.requires_grad
        grad_input, grad_node = conv(grad.contiguous(), weight, (False, want_w))
        grad_weight = grad_node._apply(input.detach().contiguous())[1] if want_w else None
        grad_bias = reduction.sum(grad, (0, 2, 3)) if bias is not None and bias.requires_grad else None
        return (grad_input if input.requires_grad else None, grad_weight, grad_bias)

    return record("ConvolutionBackward0", out, (input, weight, bias), backward)
