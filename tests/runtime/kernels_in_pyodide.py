"""Run inside Pyodide by test_kernels.py: the JavaScript kernels against the reference on the same random cases.

Prints one JSON object: for each kernel, the numbers of the cases whose results differ in any bit.
"""

import json

from kernel_cases import KERNELS, as_bytes, cases
from torch._kernels import javascript, reference

mismatches = {}
for kernel in KERNELS:
    mismatches[kernel] = [
        number
        for number, args in enumerate(cases(kernel))
        if as_bytes(getattr(javascript, kernel)(*args)) != as_bytes(getattr(reference, kernel)(*args))
    ]
print(json.dumps(mismatches))
