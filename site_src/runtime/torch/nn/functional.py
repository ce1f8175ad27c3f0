"""torch.nn.functional. The differentiable kernels are in _ops; this module composes them as PyTorch's
functional.py and ATen's Linear.cpp / Dropout.cpp do, so the recorded graph has PyTorch's nodes."""

from .._ops import creation, linalg, pointwise, views
from .._ops.nn_ops import conv2d, cross_entropy, mse_loss, nll_loss
from .._ops.nn_ops import (
    cosine_embedding_loss,
    cosine_similarity,
    functional_log_softmax as log_softmax,
    functional_softmax as softmax,
    functional_softmin as softmin,
    gaussian_nll_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    normalize,
    one_hot,
    pairwise_distance,
    poisson_nll_loss,
    soft_margin_loss,
)
from .._ops.activations import (
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    mish,
    prelu,
    relu6,
    selu,
    silu,
    softplus,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
)
from .._ops.activations import logsigmoid, rrelu
from .._ops.nn_ops import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    kl_div,
    l1_loss,
    smooth_l1_loss,
)
from .._ops.nn_layers import batch_norm, group_norm, layer_norm
from .._ops.nn_layers import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    conv1d,
    conv_transpose2d,
    embedding,
    interpolate,
    max_pool1d,
    max_pool2d,
    pad,
)
from .._unsupported import missing_attribute


def linear(input, weight, bias=None):
    """ATen's linear: addmm for a matrix (or 1-D / contiguous 3-D input, flattened to one and viewed back), else
    matmul then add."""
    if bias is not None:
        if input.dim() == 2:
            return linalg.addmm(bias, input, views.t(weight))
        if input.dim() == 1 or (input.dim() == 3 and input.is_contiguous()):
            rows = views.reshape(input, (-1, input._shape[-1]))
            out = linalg.addmm(bias, rows, views.t(weight))
            return views.view(out, input._shape[:-1] + (weight._shape[0],))
    out = linalg.matmul(input, views.t(weight))
    return pointwise.add(out, bias) if bias is not None else out


def relu(input, inplace=False):
    return input.relu_() if inplace else pointwise.relu(input)


def sigmoid(input):
    return pointwise.sigmoid(input)


def tanh(input):
    return pointwise.tanh(input)


def dropout(input, p=0.5, training=True, inplace=False):
    """ATen's dropout on the CPU: input * (bernoulli(1 - p) mask / (1 - p)), recorded as MulBackward0."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        return pointwise.mul(input, creation.zeros_like(input))
    noise = creation.bernoulli_(creation.zeros_like(input), 1 - p)
    noise = pointwise.div(noise, 1 - p)
    if inplace:
        return input.mul_(noise)
    return pointwise.mul(input, noise)


def _feature_dropout(input, p, training, inplace, batched):
    """ATen's feature dropout: one bernoulli_(1 - p) draw per (sample, channel), in a (N, C, 1, ...) noise tensor."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not batched:
        input = views.unsqueeze(input, 0)
    if p == 0 or not training or input.numel() == 0:
        out = input
    else:
        noise = creation.zeros(input._shape[:2] + (1,) * (input.dim() - 2), dtype=input.dtype)
        if p == 1:
            noise.fill_(0)
        else:
            creation.bernoulli_(noise, 1 - p)
            noise = pointwise.div(noise, 1 - p)
        out = input.mul_(noise) if inplace else pointwise.mul(input, noise)
    return views.squeeze(out, 0) if not batched else out


def dropout1d(input, p=0.5, training=True, inplace=False):
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
            "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs)."
        )
    return _feature_dropout(input, p, training, inplace, input.dim() == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    if input.dim() not in (3, 4):
        import warnings

        warnings.warn(
            f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this warning, "
            "please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
            "inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. "
            "3D or 4D inputs).",
            stacklevel=2,
        )
    if input.dim() == 3:
        import warnings

        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
            "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
            "This behavior will change in a future release to interpret the input as one without a batch "
            "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
            "switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _feature_dropout(input, p, training, inplace, True)


def flatten(input, start_dim=0, end_dim=-1):
    return views.flatten(input, start_dim, end_dim)


def __getattr__(name):
    return missing_attribute("torch.nn.functional", name)


__all__ = ["batch_norm", "dropout1d", "dropout2d", "group_norm", "layer_norm"]
__all__ += [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "conv1d",
    "conv_transpose2d",
    "embedding",
    "interpolate",
    "max_pool1d",
    "pad",
]
__all__ += [
    "conv2d",
    "cross_entropy",
    "dropout",
    "flatten",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]
__all__ += [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "elu",
    "gelu",
    "glu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "leaky_relu",
    "mish",
    "prelu",
    "relu6",
    "selu",
    "silu",
    "smooth_l1_loss",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanhshrink",
    "threshold",
]

__all__ += [
    "cosine_embedding_loss",
    "cosine_similarity",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "logsigmoid",
    "margin_ranking_loss",
    "normalize",
    "one_hot",
    "pairwise_distance",
    "poisson_nll_loss",
    "rrelu",
    "soft_margin_loss",
]
