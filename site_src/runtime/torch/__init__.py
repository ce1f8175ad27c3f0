"""A pure-Python subset of PyTorch 2.13 for the browser (Pyodide): float32/int64/bool tensors, autograd, torch.nn,
torch.optim. Anything outside the subset raises NotImplementedError naming the missing API.

Every import inside this package is relative, so tests can load it under another name next to real torch.
"""

from . import _random
from ._device import device
from ._dtype import (
    bool,
    bfloat16,
    can_cast,
    complex64,
    complex128,
    dtype,
    finfo,
    float16,
    float32,
    float64,
    get_default_dtype,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    set_default_dtype,
    uint8,
)
from ._size import Size
from ._tensor import Tensor
from ._tensor_str import set_printoptions
from .serialization import load, save
from ._unsupported import NO_NUMPY, missing_attribute, refuse_numpy_imports, unsupported
from .autograd import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled
from ._ops.registry import FUNCTIONS as _FUNCTIONS
from . import autograd, cuda, accelerator, linalg, nn, optim  # noqa: E402  (submodules, after the names they use)
from . import serialization, utils  # noqa: E402

__version__ = "2.13.0"

globals().update(_FUNCTIONS)  # every op declared with registry.op / registry.function: torch.add, torch.cat, ...

float = float32
double = float64
long = int64
int, short, half, cfloat, cdouble = int32, int16, float16, complex64, complex128
Generator = _random.Generator
default_generator = _random.default_generator


def manual_seed(seed):
    return _random.default_generator.manual_seed(seed)


def seed():
    return _random.default_generator.seed()


def initial_seed():
    return _random.default_generator.initial_seed()


def get_rng_state():
    return _random.default_generator.get_state()


def set_rng_state(state):
    _random.default_generator.set_state(state)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def from_numpy(ndarray):
    raise unsupported("torch.from_numpy", NO_NUMPY)


refuse_numpy_imports()


def __getattr__(name):
    return missing_attribute("torch", name)
