"""The hot kernels: JavaScript inside Pyodide, the pure-Python reference everywhere else.

Inside Pyodide (sys.platform == "emscripten") matmul, the float32 elementwise ops (reference.ELEMENTWISE: arithmetic,
the SGD and Adam updates, relu, clamp), conv2d and its gradients, max pooling and the float sums in ATen's order run
as the JavaScript of kernels.js (see javascript.py; the products in the WebAssembly SIMD of kernels.wat), in place
in the array buffers, many times faster than Python there. Both accumulate in the same order, so they give bit-identical
results; CPython, which has no JavaScript, runs reference.py. BROWSER_TORCH_KERNELS=reference selects the reference
inside Pyodide too (for benchmarks and comparisons). The signatures are reference.py's.
"""

import os
import sys

if sys.platform == "emscripten" and os.environ.get("BROWSER_TORCH_KERNELS", "js") != "reference":
    from .javascript import (
        conv2d,
        conv2d_backward,
        elementwise,
        matmul,
        max_pool2d,
        max_pool2d_backward,
        sum_columns,
        sum_rows,
    )
else:
    from .reference import (
        conv2d,
        conv2d_backward,
        elementwise,
        matmul,
        max_pool2d,
        max_pool2d_backward,
        sum_columns,
        sum_rows,
    )

__all__ = [
    "matmul",
    "elementwise",
    "conv2d",
    "conv2d_backward",
    "max_pool2d",
    "max_pool2d_backward",
    "sum_rows",
    "sum_columns",
]
