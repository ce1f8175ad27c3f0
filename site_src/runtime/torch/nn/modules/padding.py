"""Padding layers, as torch/nn/modules/padding.py declares them (circular padding is outside the runtime)."""

from collections import abc
from itertools import repeat

from .. import functional as F
from .module import Module


def _ntuple(n):
    def parse(x):
        return tuple(x) if isinstance(x, abc.Iterable) else tuple(repeat(x, n))

    return parse


class _ConstantPadNd(Module):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _ntuple(2)(padding)


class ConstantPad2d(_ConstantPadNd):
    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _ntuple(4)(padding)


class ConstantPad3d(_ConstantPadNd):
    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _ntuple(6)(padding)


class ZeroPad1d(ConstantPad1d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class _ModePadNd(Module):
    _mode = None
    _size = 2

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(self._size)(padding)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class ReflectionPad1d(_ModePadNd):
    _mode, _size = "reflect", 2


class ReflectionPad2d(_ModePadNd):
    _mode, _size = "reflect", 4


class ReflectionPad3d(_ModePadNd):
    _mode, _size = "reflect", 6


class ReplicationPad1d(_ModePadNd):
    _mode, _size = "replicate", 2


class ReplicationPad2d(_ModePadNd):
    _mode, _size = "replicate", 4


class ReplicationPad3d(_ModePadNd):
    _mode, _size = "replicate", 6
