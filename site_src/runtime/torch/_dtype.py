"""dtypes: float32 (the default), float64, int64 and bool, with PyTorch's type promotion."""

import builtins


class dtype:
    def __init__(self, name, typecode, category, rank):
        self.name = name
        self.typecode = typecode  # array module typecode of the storage; bool storage is a list of bools
        self.category = category  # 0 bool, 1 integer, 2 floating: promotion compares these first
        self.rank = rank  # order inside the promotion lattice
        self.is_floating_point = category == 2
        self.is_signed = name != "bool"
        self.itemsize = {"f": 4, "d": 8, "q": 8, None: 1}[typecode]

    def cast(self, value):
        """A Python value converted the way a C++ static_cast to this dtype converts it."""
        if self.category == 2:
            return float(value)
        if self.category == 1:
            return int(value)  # truncates toward zero, like the C cast
        return builtins.bool(value)

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name


dtype.__module__ = "torch"

bool = dtype("bool", None, 0, 0)
int64 = dtype("int64", "q", 1, 1)
float32 = dtype("float32", "f", 2, 2)
float64 = dtype("float64", "d", 2, 3)

_BY_PYTHON_TYPE = {builtins.bool: bool, int: int64, float: float32}
_DEFAULT_OF_CATEGORY = (bool, int64, float32)


def scalar_dtype(value):
    """The dtype a Python number takes on its own (torch.tensor(3.5) is float32)."""
    return _BY_PYTHON_TYPE[type(value)] if type(value) in _BY_PYTHON_TYPE else float32


def result_type(*operands):
    """PyTorch's promotion: dimensioned tensors decide, then 0-dim tensors, then Python numbers,
    each later group only when it is of a higher category (bool < integer < floating)."""
    dims, zero_dims, scalars = [], [], []
    for op in operands:
        if hasattr(op, "dtype"):
            (dims if op.dim() else zero_dims).append(op.dtype)
        else:
            scalars.append(scalar_dtype(op))
    result = None
    for group in (dims, zero_dims, scalars):
        if group:
            best = max(group, key=lambda d: d.rank)
            if group is scalars:
                best = _DEFAULT_OF_CATEGORY[best.category]
            if result is None or best.category > result.category:
                result = best
    return result
