"""torch.optim: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta and torch.optim.lr_scheduler."""

from .._unsupported import missing_attribute
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]


def __getattr__(name):
    return missing_attribute("torch.optim", name)
