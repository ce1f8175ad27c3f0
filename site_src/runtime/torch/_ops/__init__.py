"""The ops, grouped by kind; each op defines its forward and its backward side by side, and declares itself with
registry.op. Importing this package imports every op module, so the registry is complete afterwards."""

from . import creation, linalg, math_ops, nn_ops, pointwise, reduction, sorting, views  # noqa: F401  (each registers)
from . import indexing, shape  # noqa: F401  (joining, splitting, indexing; after views, which they build on)
