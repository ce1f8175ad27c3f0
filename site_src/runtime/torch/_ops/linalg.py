"""Linear algebra: matrix products (mm, bmm, matmul, einsum, tensordot, ...), cross products, traces, powers, and
LU-based inv/det/slogdet/solve. 2-D float32 products run in the hot kernel (_kernels.matmul), reading a transposed
operand in place instead of copying it; small batched products run ATen's naive float32 loop. torch.linalg
(torch/linalg.py) exposes the linalg_* functions here under PyTorch's names."""

import itertools
import math
from collections import namedtuple

from .. import _dtype, _kernels
from .._kernels.reference import f32, fma32
from .._tensor import Tensor
from .._unsupported import unsupported
from ..autograd.graph import record
from . import pointwise, reduction, views
from .registry import function, op


def _kernel_operand(matrix):
    """(float32 buffer, stored transposed?) for a 2-D tensor, copying only when neither layout fits."""
    rows, cols = matrix._shape
    if matrix._stride == (cols, 1) or cols == 1 and matrix._stride[0] == 1:
        layout = False
    elif matrix._stride == (1, rows) or rows == 1 and matrix._stride[1] == 1:
        layout = True
    else:
        return pointwise.contiguous(matrix.detach())._storage, False
    storage, start = matrix._storage, matrix._offset
    if start == 0 and len(storage) == rows * cols:
        return storage, layout
    return storage[start : start + rows * cols], layout


def _product(a, b):
    """a @ b for 2-D tensors, without autograd."""
    (m, k), (k2, n) = a._shape, b._shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype.name} != {b.dtype.name}")
    if a.dtype is _dtype.float32:
        (a_buffer, trans_a), (b_buffer, trans_b) = _kernel_operand(a), _kernel_operand(b)
        return Tensor._make(_kernels.matmul(a_buffer, b_buffer, m, k, n, trans_a, trans_b), (m, n), (n, 1), 0, a.dtype)
    a, b = a.detach(), b.detach()
    rows = [a[i]._values() for i in range(m)]
    cols = [b[:, j]._values() for j in range(n)]
    return Tensor._from_values([sum(x * y for x, y in zip(row, col)) for row in rows for col in cols], (m, n), a.dtype)


def _product_grads(grad, mat1, mat2):
    """The gradients of mat1 @ mat2 for (mat1, mat2) where they require grad: grad @ mat2.t() and mat1.t() @ grad,
    each laid out like its matrix, as ATen's mm_mat1_backward / mm_mat2_backward do: for a column-major matrix
    (nn.Linear's weight.t()) the transposed product, transposed back, so the weight's gradient comes out contiguous
    (the same sums in the same order)."""

    def column_major(matrix):
        return matrix._stride[0] == 1 and matrix._stride[1] == matrix._shape[0] != 1

    grad1 = grad2 = None
    if mat1.requires_grad:
        grad1 = views.t(mm(mat2, views.t(grad))) if column_major(mat1) else mm(grad, views.t(mat2))
    if mat2.requires_grad:
        grad2 = views.t(mm(views.t(grad), mat1)) if column_major(mat2) else mm(views.t(mat1), grad)
    return grad1, grad2


@op(out=True)
def mm(input, mat2):
    if input.dim() != 2 or mat2.dim() != 2:
        raise RuntimeError(f"{'self' if input.dim() != 2 else 'mat2'} must be a matrix")
    out = _product(input, mat2)
    return record(
        "MmBackward0", out, (input, mat2), lambda grad: _product_grads(grad, input, mat2), saved=(input, mat2)
    )


@op(in_place=True, out=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2): nn.Linear's op, with edges (bias, input, weight.t()). Each scaled term
    is rounded before the sum; MKL's sgemm applies alpha and beta inside its own loops, so with alpha or beta other
    than 1 a result may differ from PyTorch's in the last bit."""
    product = _product(mat1, mat2)
    base = views.expanded(input.detach(), product._shape)
    scaled = product if alpha == 1 else pointwise.mul(product, alpha)
    out = scaled if beta == 0 else pointwise.add(scaled, base if beta == 1 else pointwise.mul(base, beta))

    def backward(grad):
        grads = _product_grads(grad, mat1, mat2)
        return (
            pointwise.grad_for(input, _maybe_multiply(grad, beta)),
            *(g if g is None else _maybe_multiply(g, alpha) for g in grads),
        )

    return record("AddmmBackward0", out, (input, mat1, mat2), backward, saved=(mat1, mat2))


@op(in_place=True, out=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * sum over the batch of batch1[i] @ batch2[i]: ATen's addbmm_impl_, one addmm_ per
    batch into the result (beta applied with the first only)."""
    _check_batches(batch1, batch2)
    shape = (batch1._shape[1], batch2._shape[2])
    out = views.expanded(input.detach(), shape).clone()
    if not batch1._shape[0]:
        out = out if beta == 1 else pointwise.mul(out, beta) if beta != 0 else pointwise.zeros_of(shape, out.dtype)
    for i, adjusted_beta in zip(range(batch1._shape[0]), itertools.chain((beta,), itertools.repeat(1))):
        out = addmm(out, batch1[i].detach(), batch2[i].detach(), beta=adjusted_beta, alpha=alpha)

    def backward(grad):
        batched = views.expand(views.unsqueeze(grad, 0), (batch1._shape[0],) + grad._shape)
        return (
            pointwise.grad_for(input, _maybe_multiply(grad, beta)),
            _maybe_multiply(bmm(batched, views.transpose(batch2, 1, 2)), alpha) if batch1.requires_grad else None,
            _maybe_multiply(bmm(views.transpose(batch1, 1, 2), batched), alpha) if batch2.requires_grad else None,
        )

    return record("AddbmmBackward0", out, (input, batch1, batch2), backward, saved=(batch1, batch2))


@op(out=True)
def mv(input, vec):
    out = views.squeeze(_product(input, views.unsqueeze(vec.detach(), 1)), 1)
    return record(
        "MvBackward0",
        out,
        (input, vec),
        lambda grad: (
            mm(views.unsqueeze(grad, 1), views.unsqueeze(vec, 0)) if input.requires_grad else None,
            mv(views.t(input), grad) if vec.requires_grad else None,
        ),
        saved=(input, vec),
    )


@op(out=True)
def dot(input, other):
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    out = views.reshape(_product(views.unsqueeze(input.detach(), 0), views.unsqueeze(other.detach(), 1)), ())
    return record(
        "DotBackward0",
        out,
        (input, other),
        lambda grad: (pointwise.mul(other, grad), pointwise.mul(input, grad)),
        saved=(input, other),
    )


@op(out=True)
def matmul(input, other):
    """torch.matmul's dispatch on ranks, recording the same nodes PyTorch does for each case."""
    if not isinstance(other, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type(other).__name__}")
    a, b = input.dim(), other.dim()
    if a == 0 or b == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D")
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 1 and b == 2:
        out = mm(views.unsqueeze(input, 0), other)
        return _squeeze_first(out)
    if a == 2 and b == 2:
        return mm(input, other)
    if b > 2:
        return _batched_matmul(input, other)
    if b <= 2:  # fold the batch dims of input into rows, as ATen does
        batch = input._shape[:-1]
        folded = mm(views.reshape(input, (-1, input._shape[-1])), other if b == 2 else views.unsqueeze(other, 1))
        shape = batch + ((other._shape[-1],) if b == 2 else ())
        out = folded._alias(shape, views.contiguous_strides(shape), 0)
        return record("UnsafeViewBackward0", out, (folded,), lambda grad: (views.reshape(grad, folded._shape),))


def _batched_matmul(input, other):
    """matmul with a batched right operand: both broadcast over the batch dims, folded to 3-D, one bmm."""
    left = input if input.dim() > 1 else views.unsqueeze(input, 0)
    right = other if other.dim() > 1 else views.unsqueeze(other, 1)
    batch = pointwise.broadcast_shapes(left._shape[:-2], right._shape[:-2])
    (n, m), p = left._shape[-2:], right._shape[-1]
    folded_left = views.reshape(views.expand(left, batch + (n, m)), (-1, n, m))
    folded_right = views.reshape(views.expand(right, batch + (m, p)), (-1, m, p))
    out = views.reshape(bmm(folded_left, folded_right), batch + (n, p))
    if input.dim() == 1:
        out = views.squeeze(out, -2)
    return out


def _squeeze_first(matrix):
    out = matrix._alias(matrix._shape[1:], matrix._stride[1:], matrix._offset)
    return record("SqueezeBackward4", out, (matrix,), lambda grad: (views.unsqueeze(grad, 0),))


# ---- batched products -------------------------------------------------------------------------------------------
def _small_product(a, b, m, k, n):
    """a @ b for row-major value lists, each sum accumulated in float32 from 0, products rounded (ATen's
    baddbmm_cpu_kernel, which bmm runs while k * m * n < 400)."""
    out = []
    for i in range(m):
        row = a[i * k : (i + 1) * k]
        for j in range(n):
            acc = 0.0
            for p, x in enumerate(row):
                acc = f32(acc + f32(x * b[p * n + j]))
            out.append(acc)
    return out


def _bmm_values(input, mat2):
    """The (b, m, n) values of input @ mat2 for 3-D tensors: ATen's naive float32 loop for small products (bit
    exact); larger ones go through the matmul kernel per batch, as mm does."""
    (batch, m, k), (_, _, n) = input._shape, mat2._shape
    small = k * m * n < 400 or input.dtype is not _dtype.float32
    values = []
    for i in range(batch):
        a, b = input[i].detach(), mat2[i].detach()
        if small and input.dtype is _dtype.float32:
            values.extend(_small_product(a._values(), b._values(), m, k, n))
        elif small:
            rows, cols = a._values(), b._values()
            values.extend(sum(rows[r * k + p] * cols[p * n + c] for p in range(k)) for r in range(m) for c in range(n))
        else:
            values.extend(_product(a, b)._values())
    return values


def _check_batches(input, mat2, name="bmm"):
    if input.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input._shape[0] != mat2._shape[0] or input._shape[2] != mat2._shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input._shape[0]}, {input._shape[2]}] but got: [{mat2._shape[0]}, {mat2._shape[1]}]."
        )
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected scalar type {pointwise._type_word(input.dtype)} but found {pointwise._type_word(mat2.dtype)}"
        )


@op(out=True)
def bmm(input, mat2):
    _check_batches(input, mat2)
    shape = (input._shape[0], input._shape[1], mat2._shape[2])
    out = Tensor._from_values(_bmm_values(input, mat2), shape, input.dtype)
    return record(
        "BmmBackward0",
        out,
        (input, mat2),
        lambda grad: (
            bmm(grad, views.transpose(mat2, 1, 2)) if input.requires_grad else None,
            bmm(views.transpose(input, 1, 2), grad) if mat2.requires_grad else None,
        ),
        saved=(input, mat2),
    )


def _maybe_multiply(grad, scalar):
    return grad if scalar == 1 else pointwise.mul(grad, scalar)


@op(in_place=True, out=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2), as baddbmm_cpu_kernel: r * beta + alpha * acc per element."""
    _check_batches(batch1, batch2)
    products = Tensor._from_values(
        _bmm_values(batch1, batch2), (batch1._shape[0], batch1._shape[1], batch2._shape[2]), batch1.dtype
    )
    scaled = products if alpha == 1 else pointwise.mul(products, alpha)
    if beta == 0:
        out = scaled
    else:
        base = views.expanded(input.detach(), products._shape)
        out = pointwise.add(base if beta == 1 else pointwise.mul(base, beta), scaled)
    return record(
        "BaddbmmBackward0",
        out,
        (input, batch1, batch2),
        lambda grad: (
            pointwise.grad_for(input, _maybe_multiply(grad, beta)),
            _maybe_multiply(bmm(grad, views.transpose(batch2, 1, 2)), alpha) if batch1.requires_grad else None,
            _maybe_multiply(bmm(views.transpose(batch1, 1, 2), grad), alpha) if batch2.requires_grad else None,
        ),
        saved=(batch1, batch2),
    )


@op(in_place=True, out=True)
def addmv(input, mat, vec, *, beta=1, alpha=1):
    product = views.squeeze(_product(mat.detach(), views.unsqueeze(vec.detach(), 1)), 1)
    scaled = product if alpha == 1 else pointwise.mul(product, alpha)
    base = views.expanded(input.detach(), product._shape)
    out = scaled if beta == 0 else pointwise.add(base if beta == 1 else pointwise.mul(base, beta), scaled)
    return record(
        "AddmvBackward0",
        out,
        (input, mat, vec),
        lambda grad: (
            pointwise.grad_for(input, _maybe_multiply(grad, beta)),
            _maybe_multiply(outer(grad, vec), alpha) if mat.requires_grad else None,
            _maybe_multiply(mv(views.t(mat), grad), alpha) if vec.requires_grad else None,
        ),
        saved=(mat, vec),
    )


@op(in_place=True, out=True)
def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2), elementwise as ATen's addr_kernel evaluates it."""
    if vec1.dim() != 1 or vec2.dim() != 1:
        raise RuntimeError(
            f"addr: Expected 1-D argument vec1, but got {vec1.dim()}-D"
            if vec1.dim() != 1
            else f"addr: Expected 1-D argument vec2, but got {vec2.dim()}-D"
        )
    column, row = views.unsqueeze(vec1.detach(), 1), views.unsqueeze(vec2.detach(), 0)
    product = pointwise.mul(column if alpha == 1 else pointwise.mul(column, alpha), row)
    if beta == 0:
        out = product
    else:
        base = input.detach()
        out = pointwise.add(base if beta == 1 else pointwise.mul(base, beta), product)
    return record(
        "AddrBackward0",
        out,
        (input, vec1, vec2),
        lambda grad: (
            pointwise.grad_for(input, _maybe_multiply(grad, beta)),
            _maybe_multiply(mv(grad, vec2), alpha) if vec1.requires_grad else None,
            _maybe_multiply(mv(views.t(grad), vec1), alpha) if vec2.requires_grad else None,
        ),
        saved=(vec1, vec2),
    )


@op(out=True, aliases=("ger",))
def outer(input, vec2):
    """input.reshape(-1, 1) * vec2, as ATen composes it (MulBackward0 over a view)."""
    return pointwise.mul(views.reshape(input, (-1, 1)), vec2)


@op
def vdot(input, other):
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    out = dot(input.detach(), other.detach())
    return record(
        "VdotBackward0",
        out,
        (input, other),
        lambda grad: (
            pointwise.mul(grad, other) if input.requires_grad else None,
            pointwise.mul(input, grad) if other.requires_grad else None,
        ),
        saved=(input, other),
    )


@op
def trace(input):
    """The diagonal's sum, accumulated in a double as ATen's trace_cpu does, rounded once."""
    if input.dim() != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim " + str(input.dim()))
    rows, cols = input._shape
    values = input._values()
    dtype = input.dtype if input.dtype.is_floating_point else _dtype.int64
    out = Tensor._from_values([sum(values[i * cols + i] for i in range(min(rows, cols)))], (), dtype)

    def backward(grad):
        eye = Tensor._from_values(
            [1.0 if i % (cols + 1) == 0 and i // cols < cols else 0.0 for i in range(rows * cols)],
            (rows, cols),
            grad.dtype,
        )
        return (pointwise.mul(eye, grad),)

    return record("TraceBackward0", out, (input,), backward)


# ---- cross products, tensordot, kron, powers --------------------------------------------------------------------
def _cross_dim(input, other, dim):
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:
        dim = next((d for d in range(input.dim()) if input._shape[d] == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    dim = input._dim(dim)
    if input._shape[dim] != 3 or other._shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {input._shape[dim]} and {other._shape[dim]}"
        )
    return dim


def linalg_cross(input, other, dim=-1):
    """Each component a[j] * b[k] - a[k] * b[j] as ATen's cross kernel computes it: the compiler fuses the first
    product into the subtraction (fma(a[j], b[k], -(a[k] * b[j]))); checked bit for bit against PyTorch."""
    dim = _cross_dim(input, other, dim)
    shape = pointwise.broadcast_shapes(input._shape, other._shape)
    a = views.expanded(input.detach(), shape)
    b = views.expanded(other.detach(), shape)
    dtype = _dtype.result_type(input, other)
    if dtype is _dtype.float32:

        def component(x, y, z, w):
            return fma32(x, y, -f32(z * w))
    else:

        def component(x, y, z, w):
            return dtype.cast(x * y - z * w)

    parts = []
    for j, k in ((1, 2), (2, 0), (0, 1)):
        columns = (
            views.select(a, dim, j)._values(),
            views.select(b, dim, k)._values(),
            views.select(a, dim, k)._values(),
            views.select(b, dim, j)._values(),
        )
        parts.append(list(map(component, *columns)))
    rest = shape[:dim] + shape[dim + 1 :]
    moved = Tensor._from_values([v for p in parts for v in p], (3,) + rest, dtype)
    out = pointwise.contiguous(views.permute(moved, list(range(1, dim + 1)) + [0] + list(range(dim + 1, len(shape)))))
    return record(
        "LinalgCrossBackward0",
        out,
        (input, other),
        lambda grad: (
            pointwise.grad_for(input, linalg_cross(other, grad, dim)),
            pointwise.grad_for(other, linalg_cross(grad, input, dim)),
        ),
        saved=(input, other),
    )


@op
def cross(input, other, dim=None):
    return linalg_cross(input, other, _cross_dim(input, other, dim))


@function
def tensordot(a, b, dims=2, out=None):
    """ATen's tensordot: both operands permuted and reshaped to matrices, one mm, the result viewed back."""
    if isinstance(dims, int):
        dims_a, dims_b = list(range(a.dim() - dims, a.dim())), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a, dims_b = [a._dim(d) for d in dims_a], [b._dim(d) for d in dims_b]
    free_a = [d for d in range(a.dim()) if d not in dims_a]
    free_b = [d for d in range(b.dim()) if d not in dims_b]
    size = math.prod(a._shape[d] for d in dims_a)
    left = views.reshape(views.permute(a, free_a + dims_a), (-1, size))
    right = views.reshape(views.permute(b, dims_b + free_b), (size, -1))
    shape = [a._shape[d] for d in free_a] + [b._shape[d] for d in free_b]
    return views.reshape(mm(left, right), shape)


def _unsafe_view(input, shape):
    """ATen's _unsafe_view: a reshape recorded as UnsafeViewBackward0 (a view of a contiguous tensor)."""
    source = pointwise.contiguous(input)
    out = source._alias(tuple(shape), views.contiguous_strides(tuple(shape)), source._offset)
    return record("UnsafeViewBackward0", out, (source,), lambda grad: (views.reshape(grad, source._shape),))


@op
def kron(input, other):
    """input[i] * other[j] laid out in blocks, as ATen's kron: one broadcast multiply, reshaped."""
    rank = max(input.dim(), other.dim())
    a_shape = [s for size in (1,) * (rank - input.dim()) + input._shape for s in (size, 1)]
    b_shape = [s for size in (1,) * (rank - other.dim()) + other._shape for s in (1, size)]
    product = pointwise.mul(_unsafe_view(input, a_shape), _unsafe_view(other, b_shape))
    return _unsafe_view(product, [x * y for x, y in zip(a_shape[::2], b_shape[1::2])])


@op
def matrix_power(input, n):
    """ATen's linalg_matrix_power: a * a and (a * a) * a for n = 2, 3, else a binary decomposition of n from its
    lowest bit; negative n on the inverse."""
    if input.dim() < 2 or input._shape[-1] != input._shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{input._shape[-2] if input.dim() > 1 else 1} by {input._shape[-1]} matrices"
        )
    if n == 0:
        size = input._shape[-1]
        eye = Tensor._from_values([float(i % (size + 1) == 0) for i in range(size * size)], (size, size), input.dtype)
        out = views.expanded(eye, input._shape)
        return pointwise.clone(out)
    if n < 0:
        input, n = inv(input), -n
        if n == 1:
            return input
    if n == 1:
        return pointwise.clone(input)
    if n == 2:
        return matmul(input, input)
    if n == 3:
        return matmul(matmul(input, input), input)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = input if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def multi_dot(tensors):
    """torch.linalg.multi_dot: for 2 or 3 matrices in the cheapest order (ATen's rule), the first and last may be
    vectors."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0], tensors[-1]
    matrices = list(tensors)
    if first.dim() == 1:
        matrices[0] = views.unsqueeze(first, 0)
    if last.dim() == 1:
        matrices[-1] = views.unsqueeze(last, 1)
    if len(matrices) == 2:
        result = mm(matrices[0], matrices[1])
    elif len(matrices) == 3:
        a, b, c = matrices
        cost_1 = a._shape[0] * c._shape[1] * (a._shape[1] + c._shape[0])
        cost_2 = a._shape[1] * b._shape[1] * (a._shape[0] + c._shape[1])
        result = mm(mm(a, b), c) if cost_1 > cost_2 else mm(a, mm(b, c))
    else:
        raise unsupported("torch.linalg.multi_dot with more than 3 tensors")
    if first.dim() == 1 and last.dim() == 1:
        return views.reshape(result, ())
    if first.dim() == 1:
        return views.reshape(result, (result._shape[1],))
    if last.dim() == 1:
        return views.reshape(result, (result._shape[0],))
    return result


# ---- einsum -----------------------------------------------------------------------------------------------------
def _diagonal(input, dim1, dim2):
    """The diagonal of dims (dim1, dim2) as a view, moved to dim1's place (einsum's repeated labels)."""
    shape = [s for d, s in enumerate(input._shape) if d != dim2]
    stride = [s for d, s in enumerate(input._stride) if d != dim2]
    stride[dim1] = input._stride[dim1] + input._stride[dim2]
    shape[dim1] = min(input._shape[dim1], input._shape[dim2])
    out = input._alias(tuple(shape), tuple(stride), input._offset)

    def backward(grad):
        full = pointwise.zeros_of(input._shape, grad.dtype)
        target = _diagonal(full, dim1, dim2)
        for position, value in zip(target._positions(), grad._values()):
            full._storage[position] = value
        return (full,)

    return record("DiagonalBackward0", out, (input,), backward)


def _sumproduct_pair(left, right, sum_dims):
    """ATen's sumproduct_pair (keepdim): operands of equal rank, multiplied and summed over sum_dims through one
    bmm of (shared, left-only, summed) by (shared, summed, right-only) matrices."""
    if not sum_dims:
        return pointwise.mul(left, right)
    lro, lo, ro = [], [], []
    sum_size = 1
    for i in range(left.dim()):
        sl, sr = left._shape[i] != 1, right._shape[i] != 1
        if i in sum_dims:
            if sl and sr:
                if left._shape[i] != right._shape[i]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= left._shape[i]
            elif sl:
                left = reduction.sum(left, i, keepdim=True)
            elif sr:
                right = reduction.sum(right, i, keepdim=True)
        elif sl and sr:
            if left._shape[i] != right._shape[i]:
                raise RuntimeError("non-broadcast dimensions must match")
            lro.append(i)
        elif sl:
            lo.append(i)
        else:
            ro.append(i)
    lro_size = math.prod(left._shape[d] for d in lro)
    lo_size = math.prod(left._shape[d] for d in lo)
    ro_size = math.prod(right._shape[d] for d in ro)
    out_size = (
        [left._shape[d] for d in lro]
        + [left._shape[d] for d in lo]
        + [1] * len(sum_dims)
        + [right._shape[d] for d in ro]
    )
    order = lro + lo + list(sum_dims) + ro
    lhs = views.reshape(views.permute(left, order), (lro_size, lo_size, sum_size))
    rhs = views.reshape(views.permute(right, lro + list(sum_dims) + ro + lo), (lro_size, sum_size, ro_size))
    result = views.reshape(bmm(lhs, rhs), out_size)
    return views.permute(result, [order.index(d) for d in range(len(order))])


@function
def einsum(equation, *operands):
    """torch.einsum as ATen runs it without opt_einsum: each operand's labels permuted to (output labels, then the
    summed labels in alphabetical order), repeated labels taken as diagonals, then the operands contracted left to
    right, each pair through sumproduct_pair's bmm. Values match PyTorch bit for bit where its bmm runs the naive
    loop (small products); the graph has the same kinds of nodes, not always the same ones."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation = equation.replace(" ", "")
    if "." in equation:
        raise unsupported("torch.einsum with '...' (ellipsis)")
    inputs, arrow, output = equation.partition("->")
    labels = inputs.split(",")
    if len(labels) != len(operands):
        raise RuntimeError(
            "einsum(): more operands were provided than specified in the equation"
            if len(operands) > len(labels)
            else "einsum(): fewer operands were provided than specified in the equation"
        )
    if not arrow:
        counts = {}
        for label in inputs.replace(",", ""):
            counts[label] = counts.get(label, 0) + 1
        output = "".join(sorted(label for label, c in counts.items() if c == 1))
    summed = sorted({label for label in inputs.replace(",", "") if label not in output})
    order = list(output) + summed
    sizes = {}
    prepared = []
    for operand, spec in zip(operands, labels):
        if len(spec) != operand.dim():
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(spec)}) does not match "
                f"the number of dimensions ({operand.dim()}) for operand {len(prepared)} and no "
                "ellipsis was given"
            )
        seen = []
        for label in spec:
            if label in seen:
                operand = _diagonal(operand, seen.index(label), len(seen))
            else:
                seen.append(label)
        for label in order:
            if label not in seen:
                operand = views.unsqueeze(operand, operand.dim())
                seen.append(label)
        for label, size in zip(seen, operand._shape):
            if size != 1 and sizes.setdefault(label, size) != size:
                raise RuntimeError("einsum(): operands do not broadcast with remapped shapes (original->remapped)")
        prepared.append(views.permute(operand, [seen.index(label) for label in order]))
    last_use = {label: max(i for i, spec in enumerate(labels) if label in spec) for label in summed}
    result = prepared[0]
    first_sums = tuple(len(output) + j for j, label in enumerate(summed) if last_use[label] == 0)
    if first_sums:
        result = reduction.sum(result, first_sums, keepdim=True)
    for i, operand in enumerate(prepared[1:], 1):
        result = _sumproduct_pair(
            result, operand, [len(output) + j for j, label in enumerate(summed) if last_use[label] == i]
        )
    out_shape = [max(result._shape[d], 1) for d in range(len(output))]
    return views.reshape(result, out_shape) if summed else result


# ---- LU factorization: inv, det, slogdet, solve -------------------------------------------------------------------
# PyTorch calls LAPACK (getrf/getri/getrs, blocked and vectorized); its order of operations cannot be reproduced bit
# for bit. Here: LU with partial pivoting (the same pivots) in doubles, rounded once at the end, which is at least as
# accurate: results agree with PyTorch's within a few float32 ulps for well-conditioned matrices.
def _square(input, name):
    if input.dim() < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if input._shape[-1] != input._shape[-2]:
        raise RuntimeError(
            f"linalg.{name}: A must be batches of square matrices, but they are "
            f"{input._shape[-2]} by {input._shape[-1]} matrices"
        )
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"linalg.{name}: Expected a floating point or complex tensor as input. Got "
            + pointwise._type_word(input.dtype)
        )


def _matrices(input):
    n = input._shape[-1]
    values = list(input._values())
    return [[values[b + i * n : b + (i + 1) * n] for i in range(n)] for b in range(0, len(values), n * n)], n


def _lu(matrix):
    """(LU rows, pivot order, sign, singular) of a square list-of-rows matrix, partial pivoting as getrf."""
    a = [list(map(float, row)) for row in matrix]
    n = len(a)
    perm, sign, singular = list(range(n)), 1.0, False
    for k in range(n):
        pivot = max(range(k, n), key=lambda r: abs(a[r][k]))
        if a[pivot][k] == 0:
            singular = True
            continue
        if pivot != k:
            a[k], a[pivot] = a[pivot], a[k]
            perm[k], perm[pivot] = perm[pivot], perm[k]
            sign = -sign
        for r in range(k + 1, n):
            factor = a[r][k] / a[k][k]
            a[r][k] = factor
            for c in range(k + 1, n):
                a[r][c] -= factor * a[k][c]
    return a, perm, sign, singular


def _lu_solve(lu, perm, rhs_columns):
    n = len(lu)
    solutions = []
    for column in rhs_columns:
        y = [column[p] for p in perm]
        for i in range(n):
            y[i] -= sum(lu[i][j] * y[j] for j in range(i))
        for i in reversed(range(n)):
            y[i] = (y[i] - sum(lu[i][j] * y[j] for j in range(i + 1, n))) / lu[i][i]
        solutions.append(y)
    return solutions


def _inverse_values(input, name):
    _square(input, name)
    matrices, n = _matrices(input)
    values = []
    for index, matrix in enumerate(matrices):
        lu, perm, _, singular = _lu(matrix)
        if singular:
            where = f"(Batch element {index}): " if input.dim() > 2 else ""
            raise RuntimeError(
                f"linalg.{name}: {where}The diagonal element {_first_zero(lu) + 1} is zero, the "
                "inversion could not be completed because the input matrix is singular."
            )
        columns = _lu_solve(lu, perm, [[float(i == j) for i in range(n)] for j in range(n)])
        values.extend(columns[j][i] for i in range(n) for j in range(n))
    return values


def _first_zero(lu):
    return next(i for i in range(len(lu)) if lu[i][i] == 0)


@op
def inverse(input):
    """torch.inverse, torch.linalg.inv."""
    out = Tensor._from_values(_inverse_values(input, "inv"), input._shape, input.dtype)
    return record(
        "LinalgInvExBackward0",
        out,
        (input,),
        lambda grad: (pointwise.neg(matmul(views.transpose(out, -2, -1), matmul(grad, views.transpose(out, -2, -1)))),),
        saved=(out,),
    )


inv = inverse


def _determinants(input, name):
    _square(input, name)
    matrices, _ = _matrices(input)
    results = []
    for matrix in matrices:
        lu, _, sign, singular = _lu(matrix)
        det = 0.0 if singular else sign * math.prod(lu[i][i] for i in range(len(lu)))
        results.append((det, lu, sign, singular))
    return results


@op
def det(input):
    results = _determinants(input, "det")
    out = Tensor._from_values([r[0] for r in results], input._shape[:-2], input.dtype)

    def backward(grad):  # d det / dA = det * A^{-T}
        scale = views.unsqueeze(views.unsqueeze(pointwise.mul(grad, out), -1), -1)
        return (pointwise.mul(scale, views.transpose(inv(input), -2, -1)),)

    return record("LinalgDetBackward0", out, (input,), backward, saved=(input, out))


_slogdet_result = namedtuple("slogdet", ["sign", "logabsdet"])
_slogdet_result.__module__ = "torch.return_types"
_slogdet_result.__repr__ = lambda self: (
    f"torch.return_types.slogdet(\nsign={self.sign!r},\nlogabsdet={self.logabsdet!r})"
)
_linalg_slogdet_result = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
_linalg_slogdet_result.__module__ = "torch.return_types"
_linalg_slogdet_result.__repr__ = lambda self: (
    f"torch.return_types.linalg_slogdet(\nsign={self.sign!r},\nlogabsdet={self.logabsdet!r})"
)


def linalg_slogdet(input, result_type=_linalg_slogdet_result):
    results = _determinants(input, "slogdet")
    signs = [0.0 if r[3] else math.copysign(1.0, r[0]) for r in results]
    logs = [-math.inf if r[3] else sum(math.log(abs(r[1][i][i])) for i in range(len(r[1]))) for r in results]
    sign = Tensor._from_values(signs, input._shape[:-2], input.dtype)
    logabsdet = Tensor._from_values(logs, input._shape[:-2], input.dtype)

    def backward(grad):  # d log|det| / dA = A^{-T}
        return (pointwise.mul(views.unsqueeze(views.unsqueeze(grad, -1), -1), views.transpose(inv(input), -2, -1)),)

    record("LinalgSlogdetBackward0", logabsdet, (input,), backward, saved=(input,))
    return result_type(sign, logabsdet)


@op
def slogdet(input):
    return linalg_slogdet(input, _slogdet_result)


def solve(A, B, *, left=True):
    """torch.linalg.solve: X with A @ X = B (B a vector or a matrix), by LU with partial pivoting in doubles."""
    if not left:
        raise unsupported("torch.linalg.solve(left=False)")
    _square(A, "solve")
    if A.dim() != 2:
        raise unsupported("torch.linalg.solve with batched A")
    vector = B.dim() == 1
    if B._shape[0] != A._shape[0]:
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
            f"({A._shape[0]}x{A._shape[1]} and {'x'.join(map(str, B._shape))})"
        )
    lu, perm, _, singular = _lu(_matrices(A)[0][0])
    if singular:
        raise RuntimeError("torch.linalg.solve: The solver failed because the input matrix is singular.")
    columns = [list(B._values())] if vector else [list(views.select(B, 1, j)._values()) for j in range(B._shape[1])]
    solutions = _lu_solve(lu, perm, columns)
    values = solutions[0] if vector else [solutions[j][i] for i in range(B._shape[0]) for j in range(B._shape[1])]
    out = Tensor._from_values(values, B._shape, pointwise._float_dtype(A, B))

    def backward(grad):
        grad_b = solve(views.t(A), grad)
        grad_a = pointwise.neg(outer(grad_b, out) if vector else mm(grad_b, views.t(out)))
        return (grad_a if A.requires_grad else None, grad_b if B.requires_grad else None)

    return record("LinalgSolveExBackward0", out, (A, B), backward, saved=(A, out))


# ---- norms of matrices ------------------------------------------------------------------------------------------
def matrix_norm(input, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """torch.linalg.matrix_norm: 'fro' as a vector norm over both dims; 1, -1, inf, -inf as the max or min of the
    column (1) or row (inf) abs sums. 2, -2 and 'nuc' need singular values: not in the runtime."""
    if ord in ("nuc", 2, -2):
        raise unsupported(f"torch.linalg.matrix_norm(ord={ord!r})")
    if input.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = tuple(input._dim(d) for d in dim)
    if ord == "fro":
        return reduction.vector_norm(input, 2, dims, keepdim, dtype=dtype)
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    # ATen: amax (amin) of vector_norm(A, 1, dim[0]) over dim[1], the dims swapped for inf
    summed, extreme_dim = dims if abs(ord) == 1 else dims[::-1]
    if not keepdim and summed < extreme_dim:
        extreme_dim -= 1
    sums = reduction.vector_norm(input, 1, summed, keepdim, dtype=dtype)
    return (reduction.amax if ord > 0 else reduction.amin)(sums, extreme_dim, keepdim)


def linalg_norm(input, ord=None, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.norm: a vector norm over one dim (or all, when ord is None), a matrix norm over two."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return reduction.vector_norm(input, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if input.dim() not in (1, 2):
            raise RuntimeError(
                f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {input.dim()}D."
            )
        dim = tuple(range(input.dim()))
    if len(dim) == 2 or isinstance(ord, str):  # (a string ord on a vector: matrix_norm's error, as in PyTorch)
        return matrix_norm(input, ord, dim, keepdim, dtype=dtype)
    return reduction.vector_norm(input, ord, dim, keepdim, dtype=dtype)
