"""torch.linalg: the linear algebra the runtime has (norm, vector_norm, matrix_norm, cross, inv, det, slogdet, solve,
multi_dot, matrix_power), defined in _ops/linalg.py. Anything else raises the named NotImplementedError."""

from ._ops.linalg import det, inv, matrix_norm, matrix_power, multi_dot, solve
from ._ops.linalg import linalg_cross as cross
from ._ops.linalg import linalg_norm as norm
from ._ops.linalg import linalg_slogdet as slogdet
from ._ops.reduction import vector_norm
from ._unsupported import missing_attribute

__all__ = ["cross", "det", "inv", "matrix_norm", "matrix_power", "multi_dot", "norm", "slogdet", "solve", "vector_norm"]


def __getattr__(name):
    return missing_attribute("torch.linalg", name)
