"""torch.utils.data: map-style datasets, samplers, DataLoader (single process) and random_split, as
torch/utils/data/ defines them, drawing the same random numbers so a seeded shuffle gives PyTorch's batches."""

from ..._unsupported import missing_attribute
from .dataloader import DataLoader, default_collate, default_convert
from .dataset import (
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "random_split",
]


def __getattr__(name):
    return missing_attribute("torch.utils.data", name)
