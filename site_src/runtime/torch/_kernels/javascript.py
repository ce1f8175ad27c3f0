"""The JavaScript kernels of kernels.js, behind reference.py's signatures; importable only inside Pyodide.

Python allocates every output (zero-filled array('f') / array('q')); JavaScript reads the inputs and writes the
outputs in place through zero-copy views of their buffers, so a call costs no copy -- but it costs 30-70 us in
Pyodide (the proxies and buffer views of its arguments), more than the Python loop over a few hundred elements
(measured: add of 100 floats 31 us in JavaScript, 14 us in Python; of 1000, 27 us and 189 us). So work below
SMALL elements (or multiply-adds) stays in reference.py, which gives the same bits.
"""

from array import array
from pathlib import Path

from pyodide.code import run_js

from . import reference
from .reference import _out_size

SMALL = 256

# Read beside this file rather than through importlib.resources: the wheel is always unpacked in Pyodide, and
# importing importlib.resources there (compiled from source on every page load) cost 12 ms of `import torch`.
_js = run_js((Path(__file__).parent / "kernels.js").read_text())
# the SIMD kernels (kernels.wat), built into the wheel
_js.useWasm((Path(__file__).parent / "kernels.wasm").read_bytes())


def _f32(values):
    """values as an array('f'), which JavaScript can view without a copy."""
    return values if isinstance(values, array) and values.typecode == "f" else array("f", values)


def _zeros(typecode, n):
    return array(typecode, bytes(array(typecode).itemsize * n))


def matmul(a, b, m, k, n, trans_a=False, trans_b=False):
    if m * k * n < SMALL * 4:
        return reference.matmul(a, b, m, k, n, trans_a, trans_b)
    out = _zeros("f", m * n)
    _js.matmul(out, _f32(a), _f32(b), m, k, n, trans_a, trans_b)
    return out


def sum_rows(values, length, typecode, vectorized=True):
    if len(values) < SMALL:
        return reference.sum_rows(values, length, typecode, vectorized)
    out = _zeros("d", len(values) // length)
    _js.sumRows(out, _buffer(values, typecode), length, typecode == "d", vectorized)
    return out.tolist()


def sum_columns(values, rows, columns, typecode, vectorized=True):
    if len(values) < SMALL:
        return reference.sum_columns(values, rows, columns, typecode, vectorized)
    out = _zeros("d", columns)
    _js.sumColumns(out, _buffer(values, typecode), rows, columns, typecode == "d", vectorized)
    return out.tolist()


def _buffer(values, typecode):
    return values if isinstance(values, array) and values.typecode == typecode else array(typecode, values)


def elementwise(name, *operands):
    if len(operands[0]) < SMALL:
        return reference.elementwise(name, *operands)
    out = _zeros("f", len(operands[0]))
    _js.elementwise(name, out, *(_f32(x) for x in operands))
    return out


def add_scaled(x, y, alpha):
    if len(x) < SMALL:
        return reference.add_scaled(x, y, alpha)
    out = _zeros("f", len(x))
    _js.addScaled(out, _f32(x), _f32(y), alpha)
    return out


def conv2d(x, x_shape, w, w_shape, bias, stride, padding):
    N, C, H, W = x_shape
    O, _, KH, KW = w_shape
    (sh, sw), (ph, pw) = stride, padding
    out_shape = (N, O, _out_size(H, KH, sh, ph), _out_size(W, KW, sw, pw))
    out = _zeros("f", N * O * out_shape[2] * out_shape[3])
    bias = _f32(bias) if bias is not None else None
    _js.conv2d(out, _f32(x), _f32(w), bias, N, C, H, W, O, KH, KW, sh, sw, ph, pw)
    return out, out_shape


def conv2d_backward(grad_out, x, x_shape, w, w_shape, stride, padding, output_mask):
    N, C, H, W = x_shape
    O, _, KH, KW = w_shape
    (sh, sw), (ph, pw) = stride, padding
    want_x, want_w, want_b = output_mask
    gx = _zeros("f", N * C * H * W) if want_x else None
    gw = _zeros("f", O * C * KH * KW) if want_w else None
    gb = _zeros("f", O) if want_b else None
    _js.conv2dBackward(gx, gw, gb, _f32(grad_out), _f32(x), _f32(w), N, C, H, W, O, KH, KW, sh, sw, ph, pw)
    return gx, gw, gb


def max_pool2d(x, x_shape, kernel, stride, padding):
    N, C, H, W = x_shape
    (KH, KW), (sh, sw), (ph, pw) = kernel, stride, padding
    out_shape = (N, C, _out_size(H, KH, sh, ph), _out_size(W, KW, sw, pw))
    size = N * C * out_shape[2] * out_shape[3]
    out, indices = _zeros("f", size), _zeros("q", size)
    _js.maxPool2d(out, indices, _f32(x), N, C, H, W, KH, KW, sh, sw, ph, pw)
    return out, indices, out_shape


def max_pool2d_backward(grad_out, indices, x_shape, out_shape):
    N, C, H, W = x_shape
    gx = _zeros("f", N * C * H * W)
    indices = indices if isinstance(indices, array) and indices.typecode == "q" else array("q", indices)
    _js.maxPool2dBackward(gx, _f32(grad_out), indices, H * W, out_shape[2] * out_shape[3])
    return gx
