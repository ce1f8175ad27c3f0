"""The JavaScript kernels of kernels.js, behind reference.py's signatures; importable only inside Pyodide.

Python allocates every output (zero-filled array('f') / array('q')) and passes each array as its address in
Pyodide's WebAssembly memory (array.buffer_info()); JavaScript reads the inputs and writes the outputs in place
there, so a call costs no copy and no proxy: about 2 us in Pyodide, against 10 us per array when the arrays
themselves were passed. Python's own loop over a few elements is faster still, so work below SMALL elements (or
multiply-adds) stays in reference.py, which gives the same bits.
"""

from array import array
from pathlib import Path

import pyodide_js
from pyodide.code import run_js

from . import reference
from .reference import _out_size

SMALL = 16

# Read beside this file rather than through importlib.resources: the wheel is always unpacked in Pyodide, and
# importing importlib.resources there (compiled from source on every page load) cost 12 ms of `import torch`.
_js = run_js((Path(__file__).parent / "kernels.js").read_text())
# the SIMD kernels, built into the wheel from kernels.wat (own memory) and elementwise.wat (Pyodide's memory)
_wasm = [array("B", (Path(__file__).parent / name).read_bytes()) for name in ("kernels.wasm", "elementwise.wasm")]
_js.init(pyodide_js._module.memory, *_wasm[0].buffer_info(), *_wasm[1].buffer_info())
del _wasm


def _at(values):
    """The address of an array's buffer in Pyodide's memory, where kernels.js reads and writes it. The caller
    keeps the array referenced until the kernel has run: a freed buffer's memory is reused."""
    return values.buffer_info()[0]


def _f32(values):
    """values as an array('f'), which JavaScript reads in place."""
    return values if isinstance(values, array) and values.typecode == "f" else array("f", values)


_ZERO = {typecode: array(typecode, [0]) for typecode in "fdq"}


def _zeros(typecode, n):
    return _ZERO[typecode] * n


def matmul(a, b, m, k, n, trans_a=False, trans_b=False):
    if m * k * n < SMALL * 4:
        return reference.matmul(a, b, m, k, n, trans_a, trans_b)
    out, a, b = _zeros("f", m * n), _f32(a), _f32(b)
    _js.matmul(_at(out), _at(a), _at(b), m, k, n, trans_a, trans_b)
    return out


# Sums always run here: reference.py's cascade costs more than the call even for a few values.
def sum_rows(values, length, typecode, vectorized=True):
    if not values:
        return []
    out, values = _zeros("d", len(values) // length), _buffer(values, typecode)
    _js.sumRows(_at(out), _at(values), len(values), length, typecode == "d", vectorized)
    return out.tolist()


def sum_columns(values, rows, columns, typecode, vectorized=True):
    if not values:
        return reference.sum_columns(values, rows, columns, typecode, vectorized)
    out, values = _zeros("d", columns), _buffer(values, typecode)
    _js.sumColumns(_at(out), _at(values), rows, columns, typecode == "d", vectorized)
    return out.tolist()


def _buffer(values, typecode):
    return values if isinstance(values, array) and values.typecode == typecode else array(typecode, values)


def elementwise(name, operands, params=()):
    n = len(operands[0])
    if n < SMALL:
        return reference.elementwise(name, operands, params)
    out, operands = _zeros("f", n), [_f32(x) for x in operands]
    addresses = [_at(x) for x in operands] + [0] * (3 - len(operands))
    _js.elementwise(name, n, _at(out), *addresses, *params)
    return out


def conv2d(x, x_shape, w, w_shape, bias, stride, padding):
    N, C, H, W = x_shape
    O, _, KH, KW = w_shape
    (sh, sw), (ph, pw) = stride, padding
    out_shape = (N, O, _out_size(H, KH, sh, ph), _out_size(W, KW, sw, pw))
    out, x, w = _zeros("f", N * O * out_shape[2] * out_shape[3]), _f32(x), _f32(w)
    bias = _f32(bias) if bias is not None else None
    _js.conv2d(_at(out), _at(x), _at(w), _at(bias) if bias is not None else 0, N, C, H, W, O, KH, KW, sh, sw, ph, pw)
    return out, out_shape


def conv2d_backward(grad_out, x, x_shape, w, w_shape, stride, padding, output_mask):
    N, C, H, W = x_shape
    O, _, KH, KW = w_shape
    (sh, sw), (ph, pw) = stride, padding
    want_x, want_w, want_b = output_mask
    gx = _zeros("f", N * C * H * W) if want_x else None
    gw = _zeros("f", O * C * KH * KW) if want_w else None
    gb = _zeros("f", O) if want_b else None
    grads = [_at(g) if g is not None else 0 for g in (gx, gw, gb)]
    grad_out, x, w = _f32(grad_out), _f32(x), _f32(w)
    _js.conv2dBackward(*grads, _at(grad_out), _at(x), _at(w), N, C, H, W, O, KH, KW, sh, sw, ph, pw)
    return gx, gw, gb


def max_pool2d(x, x_shape, kernel, stride, padding):
    N, C, H, W = x_shape
    (KH, KW), (sh, sw), (ph, pw) = kernel, stride, padding
    out_shape = (N, C, _out_size(H, KH, sh, ph), _out_size(W, KW, sw, pw))
    size = N * C * out_shape[2] * out_shape[3]
    out, indices, x = _zeros("f", size), _zeros("q", size), _f32(x)
    _js.maxPool2d(_at(out), _at(indices), _at(x), N, C, H, W, KH, KW, sh, sw, ph, pw)
    return out, indices, out_shape


def max_pool2d_backward(grad_out, indices, x_shape, out_shape, overlapping=True):
    N, C, H, W = x_shape
    gx, grad_out = _zeros("f", N * C * H * W), _f32(grad_out)
    indices = indices if isinstance(indices, array) and indices.typecode == "q" else array("q", indices)
    _js.maxPool2dBackward(_at(gx), _at(grad_out), _at(indices), N * C, H * W, out_shape[2] * out_shape[3], overlapping)
    return gx
