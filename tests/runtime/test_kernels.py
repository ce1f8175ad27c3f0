"""The hot kernels: JavaScript (inside Pyodide) bit for bit against the reference, and the reference against torch."""

import importlib.util
import json
import math
from fractions import Fraction
from array import array
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from browser_torch.runners import run_many_in_pyodide

from kernel_cases import ELEMENTWISE_CASES, KERNELS, cases, fma_tie_cases

HERE = Path(__file__).parent
REFERENCE = HERE.parents[1] / "site_src" / "runtime" / "torch" / "_kernels" / "reference.py"


@pytest.fixture(scope="module")
def reference():
    """reference.py on its own (it imports nothing from the runtime), next to real torch."""
    spec = importlib.util.spec_from_file_location("kernels_reference", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pyodide_mismatches():
    """One Pyodide boot runs every kernel's cases through both implementations."""
    [result] = run_many_in_pyodide([HERE / "kernels_in_pyodide.py"], timeout=600)
    assert result.status == 0, result.stderr
    return json.loads(result.stdout)


PYODIDE_CASE_SETS = [*KERNELS, *(f"{kernel} (NaN, inf)" for kernel in KERNELS), "elementwise (fma ties)"]


@pytest.mark.pyodide
@pytest.mark.parametrize("kernel", PYODIDE_CASE_SETS)
def test_javascript_matches_reference_bit_for_bit(pyodide_mismatches, kernel):
    assert pyodide_mismatches[kernel] == [], f"cases whose {kernel} results differ"


def tensor(values, shape=None):
    t = torch.tensor(values.tolist() if values is not None else [], dtype=torch.float32)
    return t.reshape(shape) if shape is not None else t


def assert_close(got, want):
    """got (the reference's float32 values) within 1e-6 relative of torch's float64 result of the same inputs.

    The reference sums in doubles and rounds once, so it is the correctly rounded float32 of the exact result
    (up to summation order in doubles): well within 1e-6 relative; atol only covers results that cancel to ~0.
    """
    torch.testing.assert_close(tensor(got).double(), want.reshape(-1), rtol=1e-6, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("args", list(cases("matmul")))
def test_matmul_matches_torch(reference, args):
    a, b, m, k, n, trans_a, trans_b = args
    a_mat = tensor(a, (k, m)).t() if trans_a else tensor(a, (m, k))
    b_mat = tensor(b, (n, k)).t() if trans_b else tensor(b, (k, n))
    assert_close(reference.matmul(*args), a_mat.double() @ b_mat.double())


@pytest.mark.parametrize("args", list(cases("conv2d")))
def test_conv2d_matches_torch(reference, args):
    x, x_shape, w, w_shape, bias, stride, padding = args
    out, out_shape = reference.conv2d(*args)
    want = F.conv2d(
        tensor(x, x_shape).double(),
        tensor(w, w_shape).double(),
        tensor(bias).double() if bias is not None else None,
        stride,
        padding,
    )
    assert out_shape == tuple(want.shape)
    assert_close(out, want)


@pytest.mark.parametrize("args", list(cases("conv2d_backward")))
def test_conv2d_backward_matches_torch(reference, args):
    grad_out, x, x_shape, w, w_shape, stride, padding, output_mask = args
    x_t = tensor(x, x_shape).double().requires_grad_()
    w_t = tensor(w, w_shape).double().requires_grad_()
    b_t = torch.zeros(w_shape[0], dtype=torch.float64, requires_grad=True)
    out = F.conv2d(x_t, w_t, b_t, stride, padding)
    wanted = torch.autograd.grad(out, (x_t, w_t, b_t), tensor(grad_out, out.shape).double())
    for got, want, asked in zip(reference.conv2d_backward(*args), wanted, output_mask):
        if asked:
            assert_close(got, want)
        else:
            assert got is None


@pytest.mark.parametrize("args", list(cases("max_pool2d")))
def test_max_pool2d_matches_torch(reference, args):
    x, x_shape, kernel, stride, padding = args
    out, indices, out_shape = reference.max_pool2d(*args)
    want, want_indices = F.max_pool2d(tensor(x, x_shape), kernel, stride, padding, return_indices=True)
    assert out_shape == tuple(want.shape)
    # A maximum is one of the inputs: exact, and the same one (the first) where several are equal.
    torch.testing.assert_close(tensor(out), want.reshape(-1), rtol=0, atol=0, equal_nan=True)
    assert indices.tolist() == want_indices.reshape(-1).tolist()


@pytest.mark.parametrize("args", [args for args in cases("max_pool2d") if not any(map(math.isnan, args[0]))])
def test_max_pool2d_backward_matches_torch(reference, args):
    x, x_shape, kernel, stride, padding = args
    _, indices, out_shape = reference.max_pool2d(*args)
    grad_out = torch.randn(out_shape, generator=torch.Generator().manual_seed(len(x)))
    x_t = tensor(x, x_shape).double().requires_grad_()
    F.max_pool2d(x_t, kernel, stride, padding).backward(grad_out.double())
    got = reference.max_pool2d_backward(array("f", grad_out.reshape(-1).tolist()), indices, x_shape, out_shape)
    assert_close(got, x_t.grad)


@pytest.mark.parametrize("args", list(cases("sum_rows", count=60)))
def test_sum_rows_is_torch_sum_bit_for_bit(reference, args):
    values, length, typecode, vectorized = args
    dtype = torch.float32 if typecode == "f" else torch.float64
    rows = torch.tensor(values.tolist(), dtype=dtype).reshape(-1, length)
    if not vectorized:  # scalar_inner_sum: ATen's loop over rows whose elements are not adjacent
        rows = torch.stack([rows, torch.zeros_like(rows)], 2).flatten(1)[:, ::2]
    assert reference.sum_rows(*args) == rows.sum(1).tolist()


@pytest.mark.parametrize("args", list(cases("sum_columns", count=60)))
def test_sum_columns_is_torch_sum_bit_for_bit(reference, args):
    values, rows, columns, typecode, vectorized = args
    dtype = torch.float32 if typecode == "f" else torch.float64
    block = torch.tensor(values.tolist(), dtype=dtype).reshape(rows, columns)
    if not vectorized:  # scalar_outer_sum: ATen's loop over columns that are not adjacent
        block = torch.stack([block, torch.zeros_like(block)], 2).flatten(1)[:, ::2]
    assert reference.sum_columns(*args) == block.sum(0).tolist()


def _bound(value):
    return None if math.isinf(value) else value


def _clamp_backward(low, high, grad, x):
    x = x.clone().requires_grad_()
    torch.clamp(x, _bound(low), _bound(high)).backward(grad)
    return x.grad


# Each kernel as torch computes it: params first, then the operands as float32 tensors.
TORCH_ELEMENTWISE = {
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "div": torch.div,
    "neg": torch.neg,
    "abs": torch.abs,
    # The correctly rounded square root. torch.sqrt on float32 is MKL's vsSqrt, which is not: about 15% of random
    # inputs come out one ulp away (a known difference, see test_learner_programs.KNOWN_DIFFERENCES).
    "sqrt": lambda x: torch.sqrt(x.double()).float(),
    "relu": torch.relu,
    "relu_backward": lambda grad, out: torch.ops.aten.threshold_backward(grad, out, 0),
    "clamp": lambda low, high, x: torch.clamp(x, _bound(low), _bound(high)),
    "clamp_backward": _clamp_backward,
    # add/sub with alpha (the SGD update p.add_(grad, alpha=-lr)) go through add_scaled
    "add_scaled": lambda alpha, x, y: torch.add(x, y, alpha=alpha),
    "lerp": lambda x, y, w: torch.lerp(x, y, w),
    "addcmul": lambda value, s, x, y: torch.addcmul(s, x, y, value=value),
    "addcdiv": lambda value, s, x, y: torch.addcdiv(s, x, y, value=value),
}


def same_bits(got, want):
    """Bit for bit (the sign of zeros too), every NaN counting as one (see kernel_cases.as_bytes)."""
    assert got.isnan().tolist() == want.isnan().tolist()
    assert got.nan_to_num(7.0).view(torch.int32).tolist() == want.nan_to_num(7.0).view(torch.int32).tolist()


@pytest.mark.parametrize("args", list(cases("elementwise", count=300)))
def test_elementwise_is_torch_bit_for_bit(reference, args):
    name, operands, params = args
    tensors = [torch.tensor(values.tolist(), dtype=torch.float32) for values in operands]
    got = torch.tensor(reference.elementwise(name, operands, params).tolist(), dtype=torch.float32)
    same_bits(got, TORCH_ELEMENTWISE[name](*params, *tensors))
    if name == "add_scaled":
        same_bits(got, tensors[0].sub_(tensors[1], alpha=-params[0]))
    if name == "lerp" and len(set(operands[2])) == 1:  # one weight: lerp's scalar form, its own ATen kernel
        same_bits(got, torch.lerp(tensors[0], tensors[1], operands[2][0]))


@pytest.mark.parametrize("args", list(fma_tie_cases()))
def test_fused_kernels_on_float32_ties_are_torch_bit_for_bit(reference, args):
    name, operands, params = args
    tensors = [torch.tensor(values.tolist(), dtype=torch.float32) for values in operands]
    got = torch.tensor(reference.elementwise(name, operands, params).tolist(), dtype=torch.float32)
    same_bits(got, TORCH_ELEMENTWISE[name](*params, *tensors))


def test_every_elementwise_kernel_is_tested(reference):
    assert set(reference.ELEMENTWISE) == set(TORCH_ELEMENTWISE) == set(ELEMENTWISE_CASES)


def _round_to_f32(exact):
    """The float32 nearest to a Fraction, ties to even, decided exactly."""
    import numpy as np

    guess = np.float32(float(exact))
    candidates = [np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf))]
    best = min(abs(Fraction(float(c)) - exact) for c in candidates)
    nearest = [c for c in candidates if abs(Fraction(float(c)) - exact) == best]
    return float(min(nearest, key=lambda c: int(np.array(c).view(np.int32)) & 1))


@pytest.mark.parametrize("scale", [1.0, 2.0**-30, 2.0**40])
def test_fma32_rounds_once_also_where_the_double_sum_sits_on_a_tie(reference, scale):
    # a * b = 1 + (i + j) 2^-12 + i j 2^-24 sits halfway between two float32 values for odd i j; a c far below
    # it breaks the tie (the double sum loses it), c = 0 leaves it to ties-to-even.
    for i in range(1, 40, 2):
        for j in range(1, 40, 2):
            a, b = (1 + i * 2.0**-12) * scale, 1 + j * 2.0**-12
            for c in (0.0, 2.0**-60 * scale, -(2.0**-60) * scale, -(2.0**-30) * scale):
                for sign in (1.0, -1.0):
                    want = _round_to_f32(Fraction(sign * a) * Fraction(b) + Fraction(c))
                    assert reference.fma32(sign * a, b, c) == want, (sign * a, b, c)
