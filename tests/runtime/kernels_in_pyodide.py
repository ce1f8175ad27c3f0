"""Run inside Pyodide by test_kernels.py: the JavaScript kernels against the reference on the same random cases.

Prints one JSON object: for each kernel, the numbers of the cases whose results differ in any bit.
"""

import json

from kernel_cases import KERNELS, as_bytes, cases, fma_tie_cases, nonfinite_cases
from torch._kernels import javascript, reference

javascript.SMALL = 0  # every case through JavaScript, however small (the site leaves small ones to reference.py)
mismatches = {}
for kernel in KERNELS:
    for name, kernel_cases in ((kernel, cases(kernel)), (f"{kernel} (NaN, inf)", nonfinite_cases(kernel))):
        mismatches[name] = [
            number
            for number, args in enumerate(kernel_cases)
            if as_bytes(getattr(javascript, kernel)(*args)) != as_bytes(getattr(reference, kernel)(*args))
        ]
mismatches["elementwise (fma ties)"] = [
    number
    for number, args in enumerate(fma_tie_cases())
    if as_bytes(javascript.elementwise(*args)) != as_bytes(reference.elementwise(*args))
]
print(json.dumps(mismatches))
