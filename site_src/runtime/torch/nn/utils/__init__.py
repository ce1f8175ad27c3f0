"""torch.nn.utils: gradient clipping and parameter / vector conversion (parametrize, rnn, pruning, weight_norm and
spectral_norm are outside the runtime)."""

from . import clip_grad, convert_parameters  # noqa: F401
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
from ..._unsupported import missing_attribute


def __getattr__(name):
    return missing_attribute("torch.nn.utils", name)
