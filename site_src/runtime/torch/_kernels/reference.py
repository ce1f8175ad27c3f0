"""Pure-Python hot kernels: the reference the JavaScript kernels must reproduce bit for bit.

Buffers are contiguous row-major array('f'). Every output element is accumulated in a Python float (double) in
the order stated on each kernel and rounded to float32 once, when stored; the JS kernels accumulate in a double
in the same order, so both give identical float32 results. Loops avoid builtin sum(): from Python 3.12 on it
compensates float sums, which would make CPython 3.11 and Pyodide (3.14) disagree.
"""

import math
import operator
from array import array


def f32(x):
    """x rounded to float32 (to nearest even); a value past float32's range rounds to infinity."""
    return array("f", (x,))[0]


def matmul(a, b, m, k, n, trans_a=False, trans_b=False):
    """(m, k) @ (k, n). trans_a: `a` is stored as (k, m); trans_b: `b` is stored as (n, k).

    Each out[i, j] adds a[i, p] * b[p, j] for p ascending, starting from 0.0.
    """
    rows = [a[i * k : (i + 1) * k] for i in range(m)] if not trans_a else [a[i::m] for i in range(m)]
    cols = [b[j * k : (j + 1) * k] for j in range(n)] if trans_b else [b[j::n] for j in range(n)]
    out = array("f", bytes(4 * m * n))
    for i, row in enumerate(rows):
        base = i * n
        for j, col in enumerate(cols):
            acc = 0.0
            for x, y in zip(row, col):
                acc += x * y
            out[base + j] = acc
    return out


# ---- matmul in MKL's float32 order (see MKL_SGEMM.md; not wired in yet) ----


def _mkl_k_blocks(k):
    """MKL's k blocking in its packed kernel: one block up to 192, else blocks of min(192, k // 2), last shorter."""
    size = k if k <= 192 else min(192, k // 2)
    return [(s, min(s + size, k)) for s in range(0, k, size)]


def mkl_order(m, k, n, trans_a=False, trans_b=False, bias=False):
    """Which float32 order MKL's sgemm (torch 2.13 CPU wheel, 1 or 2 threads) uses for this product:
    "packed", "sequential", or None where no rule is known (then keep `matmul`'s double accumulation)."""
    if m >= 4 and n >= 12 and (m % 4 == 0 or m >= 12):
        return "packed"  # 2 threads compute m = 5..7, 9..11 with a tail kernel whose order is unknown
    if not (trans_a or trans_b or bias) and (m == 1 or m <= 3 and n >= 2 or n in (2, 3, 4, 8)):
        return "sequential"
    return None


def matmul_mkl(a, b, m, k, n, trans_a=False, trans_b=False, bias=None):
    """(m, k) @ (k, n) (+ bias, a float32 buffer of n values added to each row: addmm / nn.Linear), float32
    rounding at every step as MKL's sgemm; same layout flags as `matmul`. None where `mkl_order` knows no rule.

    "packed" (m >= 4 and n >= 12): k is cut by `_mkl_k_blocks`; each block is a float32 FMA chain over p
    ascending starting from 0; out starts as the first block (or as bias, then adds the first block) and adds
    each further block in float32.
    "sequential" (small shapes, both operands untransposed, no bias): acc = f32(acc + f32(a * b)) over p
    ascending from 0 (a separate multiply and add, no FMA, no k blocking).
    """
    order = mkl_order(m, k, n, trans_a, trans_b, bias is not None)
    if order is None:
        return None
    rows = [a[i * k : (i + 1) * k] for i in range(m)] if not trans_a else [a[i::m] for i in range(m)]
    cols = [b[j * k : (j + 1) * k] for j in range(n)] if trans_b else [b[j::n] for j in range(n)]
    out = array("f", bytes(4 * m * n))
    blocks = _mkl_k_blocks(k) if k else []
    for i, row in enumerate(rows):
        base = i * n
        for j, col in enumerate(cols):
            if order == "sequential":
                acc = 0.0
                for x, y in zip(row, col):
                    acc = f32(acc + f32(x * y))
                out[base + j] = acc
                continue
            c = None if bias is None else bias[j]
            for start, end in blocks:
                acc = 0.0
                for p in range(start, end):
                    acc = fma32(row[p], col[p], acc)
                c = acc if c is None else f32(c + acc)
            out[base + j] = 0.0 if c is None else c
    return out


def _divide(x, y):
    try:
        return x / y
    except ZeroDivisionError:
        return math.nan if x != x or x == 0 else math.copysign(math.inf, x) * math.copysign(1.0, y)


# The elementwise float32 ops with a kernel. Each entry takes the op's parameters (numbers: float32 values, or
# +-inf for a missing clamp bound) and gives the function of one element of each operand. Each step is one IEEE
# operation on float32 values, exact in a double or rounded once there, and rounded to float32 where ATen's kernel
# rounds (f32, or the store into the float32 output), so the result is the float32 op's result; the forms are
# ATen's vectorized CPU kernels' (test_kernels.py checks every entry against torch). kernels.js has the twin of each.
def _lerp(x, y, w):
    """ATen's lerp: one fused multiply-add, from the far end when |weight| >= 0.5. (Not the double expression
    rounded: where it lands on a float32 tie, the fused result can round the other way.)"""
    if abs(w) < 0.5:
        return fma32(w, f32(y - x), x)
    return fma32(-f32(y - x), f32(1 - w), y)


def _clamp(low, high):
    def clamp(x):
        if x != x:
            return x
        if x < low:
            x = low
        return high if x > high else x

    return clamp


def fma32(a, b, c):
    """float32 fma(a, b, c): a * b + c rounded once (a * b of two float32 values is exact in a double)."""
    p = a * b
    s = p + c
    rounded = f32(s)
    # Rounding twice goes wrong only where the double s sits halfway between two float32 values (rounding to
    # nearest keeps the exact sum on s's side of any other float32 midpoint); then the exact sum's error says on
    # which side of s it lies.
    half_step = s - rounded  # nan for an inf or nan s: no tie
    if not half_step:
        return rounded
    other = rounded + 2 * half_step
    if f32(other) != other:
        return rounded
    back = s - p
    error = (p - (s - back)) + (c - back)  # s + error == p + c exactly (TwoSum)
    return other if error and (error > 0) == (half_step > 0) else rounded


ELEMENTWISE = {
    "add": lambda: operator.add,
    "sub": lambda: operator.sub,
    "mul": lambda: operator.mul,
    "div": lambda: _divide,
    "neg": lambda: operator.neg,
    "abs": lambda: abs,
    "sqrt": lambda: lambda x: math.sqrt(x) if x >= 0 else math.nan,  # correctly rounded twice: still exact
    "relu": lambda: lambda x: 0.0 if x < 0 else x,  # ATen's clamp_min: -0.0 and NaN stay as they are
    "relu_backward": lambda: lambda grad, out: 0.0 if out <= 0 else grad,  # threshold_backward: NaN lets grad by
    "clamp": _clamp,
    # clamp_backward's where(low <= x <= high, grad, 0): +0.0 outside, NaN inputs count as outside
    "clamp_backward": lambda low, high: lambda grad, x: grad if low <= x <= high else 0.0,
    "add_scaled": lambda alpha: lambda x, y: fma32(alpha, y, x),  # add/sub with alpha: one fused multiply-add
    "lerp": lambda: _lerp,  # (input, end, weight)
    "addcmul": lambda value: lambda s, x, y: fma32(f32(value * x), y, s),  # fma(value * tensor1, tensor2, input)
    "addcdiv": lambda value: lambda s, x, y: s + f32(_divide(f32(x * value), y)),  # input + value * t1 / t2
}


def elementwise(name, operands, params=()):
    """ELEMENTWISE[name] with these params over equal-length float32 buffers (at most 3), into a new one."""
    return array("f", map(ELEMENTWISE[name](*params), *operands))


def _out_size(size, kernel, stride, pad):
    return (size + 2 * pad - kernel) // stride + 1


def _window(out_pos, stride, pad, kernel, size):
    """The kernel offsets (ascending) of one output position whose input index lies inside the image."""
    start = out_pos * stride - pad
    return [(kk, start + kk) for kk in range(kernel) if 0 <= start + kk < size]


def _conv_windows(x_shape, w_shape, stride, padding):
    """Per output row, and per output column, the (kernel offset, input index) pairs inside the image."""
    (_, _, H, W), (_, _, KH, KW) = x_shape, w_shape
    (sh, sw), (ph, pw) = stride, padding
    rows = [_window(oh, sh, ph, KH, H) for oh in range(_out_size(H, KH, sh, ph))]
    cols = [_window(ow, sw, pw, KW, W) for ow in range(_out_size(W, KW, sw, pw))]
    return rows, cols


def conv2d(x, x_shape, w, w_shape, bias, stride, padding):
    """Cross-correlation of x (N, C, H, W) with w (O, C, KH, KW), zero padding.

    Each output adds x * w over c, kh, kw ascending starting from 0.0, then adds bias[o], then rounds.
    Returns (out, (N, O, OH, OW)).
    """
    N, C, H, W = x_shape
    O, _, KH, KW = w_shape
    rows, cols = _conv_windows(x_shape, w_shape, stride, padding)
    OH, OW = len(rows), len(cols)
    out = array("f", bytes(4 * N * O * OH * OW))
    pos = 0
    for n in range(N):
        for o in range(O):
            b = bias[o] if bias is not None else 0.0
            for rh in rows:
                for cw in cols:
                    acc = 0.0
                    for c in range(C):
                        x_plane = (n * C + c) * H
                        w_plane = (o * C + c) * KH
                        for kh, ih in rh:
                            x_row = (x_plane + ih) * W
                            w_row = (w_plane + kh) * KW
                            for kw, iw in cw:
                                acc += x[x_row + iw] * w[w_row + kw]
                    out[pos] = acc + b
                    pos += 1
    return out, (N, O, OH, OW)


def conv2d_backward(grad_out, x, x_shape, w, w_shape, stride, padding, output_mask):
    """Gradients of conv2d for (input, weight, bias), each computed only where output_mask says so.

    Accumulation order, all in doubles, rounded once at the end:
    - grad_input[n, c, ih, iw] and grad_weight[o, c, kh, kw]: the output positions are visited in the order
      n, o, oh, ow (ascending); at each, the contributions over c, kh, kw are added (a scatter).
    - grad_bias[o]: grad_out summed over n, oh, ow ascending.
    """
    N, C, H, W = x_shape
    O, _, KH, KW = w_shape
    want_x, want_w, want_b = output_mask
    rows, cols = _conv_windows(x_shape, w_shape, stride, padding)
    gx = [0.0] * (N * C * H * W) if want_x else None
    gw = [0.0] * (O * C * KH * KW) if want_w else None
    gb = [0.0] * O if want_b else None
    pos = 0
    for n in range(N):
        for o in range(O):
            for rh in rows:
                for cw in cols:
                    g = grad_out[pos]
                    pos += 1
                    if g == 0.0:
                        continue  # adds nothing for finite x and w; skipping speeds up gradients behind a ReLU
                    if gb is not None:
                        gb[o] += g
                    for c in range(C):
                        x_plane = (n * C + c) * H
                        w_plane = (o * C + c) * KH
                        for kh, ih in rh:
                            x_row = (x_plane + ih) * W
                            w_row = (w_plane + kh) * KW
                            for kw, iw in cw:
                                if gx is not None:
                                    gx[x_row + iw] += g * w[w_row + kw]
                                if gw is not None:
                                    gw[w_row + kw] += g * x[x_row + iw]
    return tuple(array("f", acc) if acc is not None else None for acc in (gx, gw, gb))


def max_pool2d(x, x_shape, kernel, stride, padding):
    """Max over each (kh, kw) window of x (N, C, H, W); padding counts as -inf.

    The window is scanned row by row; a value replaces the max when greater or NaN (PyTorch's test), so the
    first of equal maxima wins and the last NaN wins over everything.
    indices hold the flat position (ih * W + iw) within each H*W input plane, as PyTorch returns them.
    Returns (out, indices, (N, C, OH, OW)).
    """
    N, C, H, W = x_shape
    (kh_, kw_), (sh, sw), (ph, pw) = kernel, stride, padding
    OH, OW = _out_size(H, kh_, sh, ph), _out_size(W, kw_, sw, pw)
    rows = [[ih for _, ih in _window(oh, sh, ph, kh_, H)] for oh in range(OH)]
    cols = [[iw for _, iw in _window(ow, sw, pw, kw_, W)] for ow in range(OW)]
    out = array("f", bytes(4 * N * C * OH * OW))
    indices = array("q", bytes(8 * N * C * OH * OW))
    pos = 0
    for plane in range(N * C):
        base = plane * H * W
        for rh in rows:
            for cw in cols:
                best, best_at = float("-inf"), -1
                for ih in rh:
                    for iw in cw:
                        v = x[base + ih * W + iw]
                        if v > best or v != v:
                            best, best_at = v, ih * W + iw
                out[pos], indices[pos] = best, best_at
                pos += 1
    return out, indices, (N, C, OH, OW)


def max_pool2d_backward(grad_out, indices, x_shape, out_shape, overlapping=True):
    """Scatter each output gradient to the input position its max came from, adding in output order.

    overlapping=False promises that no two windows share an input (stride >= kernel): each input then gets at most
    one gradient, 0.0 + g, which the JavaScript kernel stores without a double buffer."""
    N, C, H, W = x_shape
    plane_out = out_shape[2] * out_shape[3]
    gx = [0.0] * (N * C * H * W)
    for pos, g in enumerate(grad_out):
        gx[(pos // plane_out) * H * W + indices[pos]] += g
    return array("f", gx)


# ---- ATen's cascade_sum: the order in which PyTorch's CPU sum kernel adds float32 (and float64) values ------------
# Floats per SIMD vector in PyTorch's CPU sum kernel: the order in which float32 sums add up depends on it.
# 8 (AVX2 width) reproduces PyTorch 2.13 bit for bit, also on the AVX512 machine that builds the site.
VECTOR_WIDTH = 8


def _lanes(typecode):
    return VECTOR_WIDTH if typecode == "f" else VECTOR_WIDTH // 2


def _add_vectors(acc, vector):
    return array(acc.typecode, map(operator.add, acc, vector))  # rounds each lane to the accumulator's precision


def _multi_row_sum(load, nrows, size, zero):
    """ATen's multi_row_sum: nrows running sums over `size` steps, cascaded through 4 levels so that only sums
    of similar magnitude meet. load(i, k) is row k's value at step i."""
    levels = 4
    ceil_log2 = (size - 1).bit_length() if size > 2 else 1
    level_power = max(4, ceil_log2 // levels)
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
    for rest in range(i, size):
        acc[0] = [_add_vectors(a, load(rest, k)) for k, a in enumerate(acc[0])]
    for j in range(1, levels):
        acc[0] = [_add_vectors(a, b) for a, b in zip(acc[0], acc[j])]
    return acc[0]


def _row_sum(items, zero):
    """ATen's row_sum: the items (vectors or 1-lane scalars) split over 4 interleaved running sums (its ILP),
    the leftovers added to the first, then the 4 added together."""
    size_ilp = len(items) // 4
    partial = _multi_row_sum(lambda i, k: items[i * 4 + k], 4, size_ilp, zero)
    for item in items[size_ilp * 4 :]:
        partial[0] = _add_vectors(partial[0], item)
    for k in range(1, 4):
        partial[0] = _add_vectors(partial[0], partial[k])
    return partial[0]


def _scalars(values, typecode):
    return [array(typecode, (v,)) for v in values]


def _row_total(row, typecode, vectorized):
    """One contiguous row, summed as ATen's vectorized_inner_sum (vectorized, rows of a vector or more) or as
    scalar_inner_sum (row_sum over the scalars)."""
    width = _lanes(typecode)
    zero1 = array(typecode, (0,))
    if not vectorized or len(row) < width:
        return _row_sum(_scalars(row, typecode), zero1)[0]
    vectors = len(row) // width
    lanes = _row_sum([row[i * width : (i + 1) * width] for i in range(vectors)], array(typecode, (0,) * width))
    total = zero1
    for value in row[vectors * width :]:
        total[0] += value
    for lane in lanes:
        total[0] += lane
    return total[0]


def sum_rows(values, length, typecode, vectorized=True):
    """The sums of the consecutive rows of `length` values (an array of typecode 'f' or 'd'), each added up as
    ATen's inner sums do (_row_total)."""
    return [_row_total(values[i : i + length], typecode, vectorized) for i in range(0, len(values), length)]


def sum_columns(values, rows, columns, typecode, vectorized=True):
    """Column sums of a (rows, columns) block given row-major, as ATen's vectorized_outer_sum (vectorized: columns
    contiguous, at least a vector of them) or scalar_outer_sum add them: columns in the leading full blocks get a
    plain cascaded sum, the rest row_sum's interleaved one."""
    width = _lanes(typecode)
    block = 4 * width if vectorized and columns >= width else 4
    cascaded = columns // block * block
    zero1 = array(typecode, (0,))
    sums = []
    for j in range(columns):
        column = _scalars(values[j::columns], typecode)
        if j < cascaded:
            sums.append(_multi_row_sum(lambda i, k, column=column: column[i], 1, rows, zero1)[0][0])
        else:
            sums.append(_row_sum(column, zero1)[0])
    return sums
