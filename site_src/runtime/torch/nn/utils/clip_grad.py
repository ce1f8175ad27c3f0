"""torch.nn.utils.clip_grad_norm_ / clip_grad_value_ as torch/nn/utils/clip_grad.py (2.13) computes them on the CPU:
the norm of each gradient (linalg.vector_norm), the norm of those norms, then clip_coef = max_norm / (total + 1e-6)
(Tensor.__rtruediv__: reciprocal, then times max_norm) clamped to 1, and every gradient multiplied by it in place,
each step a float32 tensor op as in PyTorch."""

import math
import types
import warnings

from ..._ops import pointwise, reduction
from ..._ops.shape import stack
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad


def _listed(parameters):
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    from ..._ops.creation import tensor

    tensors = _listed(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return tensor(0.0)
    norms = [reduction.vector_norm(g, norm_type) for g in tensors]
    total_norm = reduction.vector_norm(stack(norms), norm_type)
    if error_if_nonfinite and not math.isfinite(total_norm.item()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
            "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
            "anyway, set `error_if_nonfinite=False`"
        )
    return total_norm


def _clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    grads = [p.grad for p in _listed(parameters) if p.grad is not None]
    max_norm = float(max_norm)
    if len(grads) == 0:
        return
    clip_coef = pointwise.mul(pointwise.reciprocal(pointwise.add(total_norm, 1e-6)), max_norm)
    clip_coef_clamped = pointwise.clamp(clip_coef, max=1.0)
    for g in grads:
        g.mul_(clip_coef_clamped)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale the gradients so that their joint norm is at most max_norm; returns that norm (before clipping)."""
    with no_grad():
        if isinstance(parameters, Tensor):
            parameters = [parameters]
        else:
            is_generator = isinstance(parameters, types.GeneratorType)
            parameters = list(parameters)
            if is_generator and len(parameters) == 0:
                warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
        grads = [p.grad for p in parameters if p.grad is not None]
        total_norm = _get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
        _clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
        return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient into [-clip_value, clip_value] in place."""
    with no_grad():
        clip_value = float(clip_value)
        for p in _listed(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
