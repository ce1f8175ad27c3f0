"""torch.nn: Module, Parameter and the layers of the subset (one module file per kind, as in torch/nn/modules)."""

from . import functional, init, utils  # noqa: F401
from .modules import (
    Conv2d,
    CrossEntropyLoss,
    Dropout,
    Flatten,
    Identity,
    Linear,
    LogSoftmax,
    MaxPool2d,
    Module,
    ModuleList,
    MSELoss,
    NLLLoss,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)
from .modules import (
    BatchNorm1d,
    BatchNorm2d,
    Dropout1d,
    Dropout2d,
    GroupNorm,
    LayerNorm,
    ModuleDict,  # noqa: F401
    Unflatten,
)
from .modules import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AvgPool1d,  # noqa: F401
    AvgPool2d,
    Conv1d,
    ConvTranspose2d,
    Embedding,
    MaxPool1d,
    ParameterDict,
    ParameterList,
    Upsample,
)
from .modules import (
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,  # noqa: F401
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from .modules import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,  # noqa: F401
    LeakyReLU,
    LogSigmoid,
    Mish,
    PReLU,
    ReLU6,
    RReLU,
    SiLU,
    Softmax2d,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanhshrink,
    Threshold,
)
from .modules import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    GaussianNLLLoss,  # noqa: F401
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
)
from .parameter import Parameter
from .._unsupported import missing_attribute


def __getattr__(name):
    return missing_attribute("torch.nn", name)
