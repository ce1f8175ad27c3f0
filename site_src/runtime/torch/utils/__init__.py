"""torch.utils: data (Dataset, DataLoader, samplers, random_split) and hooks (RemovableHandle)."""

from .._unsupported import missing_attribute
from . import data, hooks

__all__ = ["data", "hooks"]


def __getattr__(name):
    return missing_attribute("torch.utils", name)
