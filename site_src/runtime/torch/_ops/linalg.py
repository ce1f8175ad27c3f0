"""Matrix products. 2-D float32 products run in the hot kernel (_kernels.matmul), reading a transposed operand
in place instead of copying it."""

from .. import _dtype, _kernels
from .._tensor import Tensor
from .._unsupported import unsupported
from ..autograd.graph import record
from . import pointwise, views
from .registry import op


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
    return storage[start:start + rows * cols], layout


def _product(a, b):
    """a @ b for 2-D tensors, without autograd."""
    (m, k), (k2, n) = a._shape, b._shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype.name} != {b.dtype.name}")
    if a.dtype is _dtype.float32:
        (a_buffer, trans_a), (b_buffer, trans_b) = _kernel_operand(a), _kernel_operand(b)
        return Tensor._make(_kernels.matmul(a_buffer, b_buffer, m, k, n, trans_a, trans_b), (m, n), (n, 1), 0,
                            a.dtype)
    a, b = a.detach(), b.detach()
    rows = [a[i]._values() for i in range(m)]
    cols = [b[:, j]._values() for j in range(n)]
    return Tensor._from_values([sum(x * y for x, y in zip(row, col)) for row in rows for col in cols], (m, n),
                               a.dtype)


@op
def mm(input, mat2):
    if input.dim() != 2 or mat2.dim() != 2:
        raise RuntimeError(f"{'self' if input.dim() != 2 else 'mat2'} must be a matrix")
    out = _product(input, mat2)
    return record("MmBackward0", out, (input, mat2),
                  lambda grad: (mm(grad, views.t(mat2)) if input.requires_grad else None,
                                mm(views.t(input), grad) if mat2.requires_grad else None),
                  saved=(input, mat2))


@op
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2): nn.Linear's op, with edges (bias, input, weight.t())."""
    if beta != 1 or alpha != 1:
        raise unsupported("torch.addmm with beta or alpha other than 1")
    out = pointwise.add(_product(mat1, mat2), input.detach())
    return record("AddmmBackward0", out, (input, mat1, mat2),
                  lambda grad: (pointwise.grad_for(input, grad),
                                mm(grad, views.t(mat2)) if mat1.requires_grad else None,
                                mm(views.t(mat1), grad) if mat2.requires_grad else None),
                  saved=(mat1, mat2))


@op
def mv(input, vec):
    out = views.squeeze(_product(input, views.unsqueeze(vec.detach(), 1)), 1)
    return record("MvBackward0", out, (input, vec),
                  lambda grad: (mm(views.unsqueeze(grad, 1), views.unsqueeze(vec, 0)) if input.requires_grad
                                else None,
                                mv(views.t(input), grad) if vec.requires_grad else None),
                  saved=(input, vec))


@op
def dot(input, other):
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    out = views.reshape(_product(views.unsqueeze(input.detach(), 0), views.unsqueeze(other.detach(), 1)), ())
    return record("DotBackward0", out, (input, other),
                  lambda grad: (pointwise.mul(other, grad), pointwise.mul(input, grad)), saved=(input, other))


@op
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
    if b <= 2:  # fold the batch dims of input into rows, as ATen does
        batch = input._shape[:-1]
        folded = mm(views.reshape(input, (-1, input._shape[-1])), other if b == 2 else views.unsqueeze(other, 1))
        shape = batch + ((other._shape[-1],) if b == 2 else ())
        out = folded._alias(shape, views.contiguous_strides(shape), 0)
        return record("UnsafeViewBackward0", out, (folded,), lambda grad: (views.reshape(grad, folded._shape),))
    raise unsupported("torch.matmul with a batched (3-D or more) right operand")


def _squeeze_first(matrix):
    out = matrix._alias(matrix._shape[1:], matrix._stride[1:], matrix._offset)
    return record("SqueezeBackward4", out, (matrix,), lambda grad: (views.unsqueeze(grad, 0),))
