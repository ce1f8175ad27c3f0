"""torch.optim: SGD and Adam."""

from .adam import Adam
from .optimizer import Optimizer
from .sgd import SGD
from .._unsupported import missing_attribute


def __getattr__(name):
    return missing_attribute("torch.optim", name)
