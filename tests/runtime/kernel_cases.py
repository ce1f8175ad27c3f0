"""Random inputs for the hot kernels (torch/_kernels), shared by the CPython tests and the program run in Pyodide.

Standard library only: it is imported inside Pyodide too. Each case is (kernel name, positional arguments) in
reference.py's signatures, with float32 buffers as array('f').
"""

import math
import random
from array import array

KERNELS = [
    "matmul",
    "elementwise",
    "conv2d",
    "conv2d_backward",
    "max_pool2d",
    "max_pool2d_backward",
    "sum_rows",
    "sum_columns",
]


def floats(rng, n, zeros=0.0, ties=False, nans=0.0):
    """n float32 values: normal, or small integers when ties are wanted; fractions `zeros` and `nans` of them
    exactly 0 and NaN."""

    def value():
        draw = rng.random()
        if draw < zeros:
            return 0.0
        if draw < zeros + nans:
            return math.nan
        return float(rng.randint(-3, 3)) if ties else rng.gauss(0.0, 1.0)

    return array("f", [value() for _ in range(n)])


def conv_geometry(rng):
    """(x_shape, w_shape, stride, padding); the image is at least as large as the kernel."""
    N, C, O = rng.randint(1, 3), rng.randint(1, 4), rng.randint(1, 5)
    KH, KW = rng.randint(1, 5), rng.randint(1, 5)
    H, W = rng.randint(KH, 12), rng.randint(KW, 12)
    stride = (rng.randint(1, 3), rng.randint(1, 3))
    padding = (rng.randint(0, KH // 2), rng.randint(0, KW // 2))
    return (N, C, H, W), (O, C, KH, KW), stride, padding


def pool_geometry(rng):
    """(x_shape, kernel, stride, padding) as max_pool2d accepts them (padding at most half the kernel)."""
    N, C = rng.randint(1, 3), rng.randint(1, 4)
    KH, KW = rng.randint(1, 4), rng.randint(1, 4)
    H, W = rng.randint(KH, 12), rng.randint(KW, 12)
    stride = (rng.randint(1, KH), rng.randint(1, KW))
    padding = (rng.randint(0, KH // 2), rng.randint(0, KW // 2))
    return (N, C, H, W), (KH, KW), stride, padding


def out_size(size, kernel, stride, pad):
    return (size + 2 * pad - kernel) // stride + 1


def window(out_pos, stride, pad, kernel, size):
    """The input positions under one output position's window."""
    start = out_pos * stride - pad
    return [i for i in range(start, start + kernel) if 0 <= i < size]


def cases(kernel, count=25, seed=0):
    """count random argument tuples for one kernel."""
    rng = random.Random(f"{kernel}-{seed}")
    for _ in range(count):
        yield globals()[f"_{kernel}_case"](rng)


def _matmul_case(rng):
    m, k, n = rng.randint(1, 20), rng.randint(1, 40), rng.randint(1, 20)
    # Zeros in a (as behind a ReLU) exercise the JS kernel's skip of zero terms; NaNs in b, where it must not skip.
    a = floats(rng, m * k, zeros=rng.choice([0.0, 0.4]))
    b = floats(rng, k * n, nans=rng.choice([0.0, 0.0, 0.05]))
    return (a, b, m, k, n, rng.random() < 0.5, rng.random() < 0.5)


def _conv2d_case(rng):
    x_shape, w_shape, stride, padding = conv_geometry(rng)
    bias = floats(rng, w_shape[0]) if rng.random() < 0.7 else None
    return (floats(rng, math.prod(x_shape)), x_shape, floats(rng, math.prod(w_shape)), w_shape, bias, stride, padding)


def _conv2d_backward_case(rng):
    x_shape, w_shape, stride, padding = conv_geometry(rng)
    N, O = x_shape[0], w_shape[0]
    OH, OW = (out_size(x_shape[i], w_shape[i], stride[i - 2], padding[i - 2]) for i in (2, 3))
    # Zeros, as behind a ReLU, exercise the skip of zero gradients.
    grad_out = floats(rng, N * O * OH * OW, zeros=0.3)
    mask = rng.choice([(True, True, True), (False, True, True), (True, False, False), (True, True, False)])
    x, w = floats(rng, math.prod(x_shape)), floats(rng, math.prod(w_shape))
    return (grad_out, x, x_shape, w, w_shape, stride, padding, mask)


def nonfinite_cases(kernel, count=25, seed=0):
    """Cases with NaN and inf in the inputs, for the kernels whose fast JavaScript path holds only for finite
    values (it falls back to loops otherwise): JavaScript must still match the reference bit for bit. (Not compared
    with torch: where padding meets a NaN weight, ATen's im2col multiplies it by 0 and the reference skips it.)"""
    rng = random.Random(f"{kernel}-nonfinite-{seed}")
    for _ in range(count):
        args = list(globals()[f"_{kernel}_case"](rng))
        for position in range(min(4, len(args))):  # the float buffers among the first arguments
            if isinstance(args[position], array) and args[position].typecode == "f" and rng.random() < 0.5:
                values = args[position]
                for _hole in range(max(1, len(values) // 20)):
                    values[rng.randrange(len(values))] = rng.choice([math.nan, math.inf, -math.inf])
        yield tuple(args)


def _sum_values(rng, n, typecode):
    # Magnitudes far apart, so the order of the additions shows in the result.
    return array(typecode, [v * 2.0 ** rng.randint(-12, 12) for v in floats(rng, n)])


def _sum_rows_case(rng):
    # Row lengths around the vector width (8 floats, 4 doubles) and the cascade's level steps (16, 256).
    length, rows, typecode = (
        rng.choice([1, 3, 7, 8, 9, 31, 33, 64, 100, 257, 1000]),
        rng.randint(1, 4),
        rng.choice("ffd"),
    )
    return (_sum_values(rng, length * rows, typecode), length, typecode, rng.random() < 0.8)


def _sum_columns_case(rng):
    rows, columns, typecode = rng.choice([1, 2, 5, 16, 17, 64, 300]), rng.randint(1, 40), rng.choice("ffd")
    return (_sum_values(rng, rows * columns, typecode), rows, columns, typecode, rng.random() < 0.8)


def _max_pool2d_case(rng):
    x_shape, kernel, stride, padding = pool_geometry(rng)
    # Small integers make ties, where the first maximum must win; a NaN is the maximum of its window.
    ties, nans = rng.random() < 0.5, 0.05 if rng.random() < 0.2 else 0.0
    return (floats(rng, math.prod(x_shape), ties=ties, nans=nans), x_shape, kernel, stride, padding)


def _max_pool2d_backward_case(rng):
    x_shape, kernel, stride, padding = pool_geometry(rng)
    N, C, H, W = x_shape
    OH, OW = (out_size(x_shape[i], kernel[i - 2], stride[i - 2], padding[i - 2]) for i in (2, 3))
    # Indices as max_pool2d makes them: inside each output's window, so overlapping windows share inputs.
    indices = array("q")
    for _plane in range(N * C):
        for oh in range(OH):
            for ow in range(OW):
                ih = rng.choice(window(oh, stride[0], padding[0], kernel[0], H))
                iw = rng.choice(window(ow, stride[1], padding[1], kernel[1], W))
                indices.append(ih * W + iw)
    grad = floats(rng, N * C * OH * OW, zeros=0.2)
    for i in range(0, len(grad), 5):
        grad[i] = -0.0  # an input reached by one -0 gradient gets +0 (0.0 + -0.0)
    overlapping = any(k > s for k, s in zip(kernel, stride))
    return (grad, indices, x_shape, (N, C, OH, OW), overlapping)


def as_bytes(result):
    """A kernel's result with every buffer as its raw bytes, for bit-for-bit comparison. Every NaN counts as one:
    WebAssembly leaves the sign of a NaN that arithmetic makes nondeterministic (its engine may swap the operands
    of an add), and no output of PyTorch's shows a NaN's sign or payload."""
    if isinstance(result, list):  # sums, as Python floats
        result = array("d", result)
    if isinstance(result, array):
        if result.typecode in "fd":
            result = array(result.typecode, (math.nan if value != value else value for value in result))
        return (result.typecode, result.tobytes())
    if isinstance(result, tuple):
        return tuple(as_bytes(part) for part in result)
    return result


def _param(rng):
    """A float32 parameter of any magnitude and sign (alpha, value, a clamp bound)."""
    return array("f", [rng.gauss(0.0, 1.0) * 10.0 ** rng.randint(-4, 1)])[0]


def _clamp_bounds(rng):
    """(low, high): one of them may be missing (+-inf), and two bounds may cross (low > high)."""
    low, high = _param(rng), _param(rng)
    missing = rng.choice(["low", "high", None, None])
    return (-math.inf, high) if missing == "low" else (low, math.inf) if missing == "high" else (low, high)


# kernel name -> (number of operands, its parameters drawn by rng)
ELEMENTWISE_CASES = {
    "add": (2, lambda rng: ()),
    "sub": (2, lambda rng: ()),
    "mul": (2, lambda rng: ()),
    "div": (2, lambda rng: ()),
    "neg": (1, lambda rng: ()),
    "abs": (1, lambda rng: ()),
    "sqrt": (1, lambda rng: ()),
    "relu": (1, lambda rng: ()),
    "relu_backward": (2, lambda rng: ()),
    "clamp": (1, lambda rng: _clamp_bounds(rng)),
    "clamp_backward": (2, lambda rng: rng.choice([(-math.inf, 0.5), (0.0, math.inf), (-0.5, 0.5), (0.0, 0.5)])),
    "add_scaled": (2, lambda rng: (_param(rng),)),
    "lerp": (3, lambda rng: ()),
    "addcmul": (3, lambda rng: (_param(rng),)),
    "addcdiv": (3, lambda rng: (_param(rng),)),
}


def _elementwise_case(rng):
    """(name, operands, params). Zeros and signed zeros (relu's -0.0), both sides of 0 for division, sizes on both
    sides of 16 (where ATen's vectorized loops start) and magnitudes far apart, where rounding shows."""
    name = rng.choice(sorted(ELEMENTWISE_CASES))
    arity, params = ELEMENTWISE_CASES[name]
    n = rng.choice([1, 5, 15, 16, 17, 100, 300])
    operands = [
        array("f", [v * 2.0 ** rng.randint(-20, 20) for v in floats(rng, n, zeros=0.2, nans=0.05)])
        for _ in range(arity)
    ]
    for values in operands:
        for i in range(0, n, 7):
            values[i] = -0.0
    if name == "lerp" and rng.random() < 0.5:  # one weight for all, as lerp(input, end, 0.1) takes it
        operands[2] = array("f", [operands[2][0] if operands[2][0] == operands[2][0] else 0.9]) * n
    return (name, operands, params(rng))


def fma_tie_cases():
    """Elementwise cases whose fused multiply-add lands on a float32 tie in a double (a * b = 1 + (i + j) 2^-12 +
    i j 2^-24 for odd i j), broken by a tiny addend or not: only fma32's TwoSum step rounds these right."""
    pairs = [(1 + i * 2.0**-12, 1 + j * 2.0**-12) for i in range(1, 40, 2) for j in range(1, 40, 2)]
    a, b = array("f", [p for p, _ in pairs]), array("f", [q for _, q in pairs])
    yield from (
        ("add_scaled", [array("f", [c]) * len(pairs), b], (float(a[k]),))
        for k in (0, 7, 100)
        for c in (0.0, 2.0**-60, -(2.0**-60))
    )
    for c in (0.0, 2.0**-60, -(2.0**-60)):
        # addcmul's fma(value * x, y, s) with value 1; lerp's fma(w, end - input, input) with input 0, end b
        yield ("addcmul", [array("f", [c]) * len(pairs), a, b], (1.0,))
    yield ("lerp", [array("f", [0.0]) * len(pairs), b, array("f", [0.25 + 2.0**-12]) * len(pairs)], ())
