"""PyTorch's tensor printing, ported to plain Python values.

A line-by-line port of torch/_tensor_str.py (PyTorch 2.13) for strided CPU tensors of real dtypes. Where PyTorch
slices a tensor (``self[i]``, ``self[:edgeitems]``) this module slices the flat row-major value list; the printed
text, its quirks included, is the same.

Values arrive as Python numbers: float32 elements as the exact double of the float32, which is what PyTorch
formats too (``tensor.tolist()`` / ``.item()`` widen float32 to double before ``'{:.4f}'.format``).
"""

import dataclasses
import math


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTIONS = _PrinterOptions()

# The default dtype's name (torch.set_default_dtype sets it): its tensors, int64 and bool ones print without a
# `dtype=` suffix (PyTorch's `has_default_dtype`).
DEFAULT_FLOAT = ["float32"]
_FLOATING_DTYPES = ("float16", "bfloat16", "float32", "float64")


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """torch.set_printoptions: same arguments, same profiles, and, as in PyTorch, sci_mode is always reassigned."""
    if profile is not None:
        if profile == "default":
            PRINT_OPTIONS.precision = 4
            PRINT_OPTIONS.threshold = 1000
            PRINT_OPTIONS.edgeitems = 3
            PRINT_OPTIONS.linewidth = 80
        elif profile == "short":
            PRINT_OPTIONS.precision = 2
            PRINT_OPTIONS.threshold = 1000
            PRINT_OPTIONS.edgeitems = 2
            PRINT_OPTIONS.linewidth = 80
        elif profile == "full":
            PRINT_OPTIONS.precision = 4
            PRINT_OPTIONS.threshold = math.inf
            PRINT_OPTIONS.edgeitems = 3
            PRINT_OPTIONS.linewidth = 80

    if precision is not None:
        PRINT_OPTIONS.precision = precision
    if threshold is not None:
        PRINT_OPTIONS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTIONS.linewidth = linewidth
    PRINT_OPTIONS.sci_mode = sci_mode


def get_printoptions():
    return dataclasses.asdict(PRINT_OPTIONS)


class _Formatter:
    """Chooses int/sci/fixed notation and the common element width from the values it is given."""

    def __init__(self, values, floating_dtype):
        self.floating_dtype = floating_dtype
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        if not floating_dtype:
            for value in values:
                self.max_width = max(self.max_width, len(f"{value}"))
            return

        nonzero_finite_vals = [v for v in values if math.isfinite(v) and v != 0]
        if not nonzero_finite_vals:
            # no valid number, do nothing
            return

        nonzero_finite_abs = [abs(v) for v in nonzero_finite_vals]
        nonzero_finite_min = min(nonzero_finite_abs)
        nonzero_finite_max = max(nonzero_finite_abs)

        self.int_mode = all(v == math.ceil(v) for v in nonzero_finite_vals)

        if PRINT_OPTIONS.sci_mode is None:
            self.sci_mode = (
                nonzero_finite_max / nonzero_finite_min > 1000.0
                or nonzero_finite_max > 1.0e8
                or nonzero_finite_min < 1.0e-4
            )
        else:
            self.sci_mode = PRINT_OPTIONS.sci_mode

        precision = PRINT_OPTIONS.precision
        if self.sci_mode:
            widths = (len(f"{v:.{precision}e}") for v in nonzero_finite_vals)
        elif self.int_mode:
            # the trailing "." that marks a float in int mode
            widths = (len(f"{v:.0f}") + 1 for v in nonzero_finite_vals)
        else:
            widths = (len(f"{v:.{precision}f}") for v in nonzero_finite_vals)
        self.max_width = max(self.max_width, *widths)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRINT_OPTIONS.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRINT_OPTIONS.precision}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _rows(values, shape):
    """The sub-tensors self[0], self[1], ... as (flat values, shape) pairs."""
    row_shape = shape[1:]
    row_size = math.prod(row_shape)
    return [(values[i * row_size : (i + 1) * row_size], row_shape) for i in range(shape[0])]


def _vector_str(values, indent, summarize, formatter):
    # length includes spaces and comma between elements
    element_length = formatter.width() + 2
    elements_per_line = max(1, math.floor((PRINT_OPTIONS.linewidth - indent) / element_length))

    edgeitems = PRINT_OPTIONS.edgeitems
    if summarize and not edgeitems:
        data = ["..."]
    elif summarize and len(values) > 2 * edgeitems:
        data = (
            [formatter.format(v) for v in values[:edgeitems]]
            + [" ..."]
            + [formatter.format(v) for v in values[-edgeitems:]]
        )
    else:
        data = [formatter.format(v) for v in values]

    data_lines = [data[i : i + elements_per_line] for i in range(0, len(data), elements_per_line)]
    lines = [", ".join(line) for line in data_lines]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(values, shape, indent, summarize, formatter):
    dim = len(shape)

    if dim == 0:
        return formatter.format(values[0])

    if dim == 1:
        return _vector_str(values, indent, summarize, formatter)

    rows = _rows(values, shape)
    edgeitems = PRINT_OPTIONS.edgeitems
    if summarize and shape[0] > 2 * edgeitems:
        # rows[len - 0:] is empty, as PyTorch's range(len - 0, len)
        shown = rows[:edgeitems], rows[len(rows) - edgeitems :]
        slices = (
            [_tensor_str_with_formatter(v, s, indent + 1, summarize, formatter) for v, s in shown[0]]
            + ["..."]
            + [_tensor_str_with_formatter(v, s, indent + 1, summarize, formatter) for v, s in shown[1]]
        )
    else:
        slices = [_tensor_str_with_formatter(v, s, indent + 1, summarize, formatter) for v, s in rows]

    tensor_str = ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices)
    return "[" + tensor_str + "]"


def _summarized_values(values, shape):
    """The values PyTorch's get_summarized_data keeps, flattened: the formatter sees only what is printed."""
    dim = len(shape)
    edgeitems = PRINT_OPTIONS.edgeitems
    if dim == 0:
        return values
    if dim == 1:
        if shape[0] > 2 * edgeitems:
            # with edgeitems == 0, values[-0:] is every value, exactly as PyTorch's self[-0:]
            return values[:edgeitems] + values[-edgeitems:]
        return values
    if not edgeitems:
        return []
    rows = _rows(values, shape)
    if shape[0] > 2 * edgeitems:
        rows = rows[:edgeitems] + rows[len(rows) - edgeitems :]
    return [v for row, row_shape in rows for v in _summarized_values(row, row_shape)]


def _tensor_str(values, shape, dtype, indent):
    if len(values) == 0:
        return "[]"

    summarize = len(values) > PRINT_OPTIONS.threshold
    formatter = _Formatter(
        _summarized_values(values, shape) if summarize else values,
        floating_dtype=dtype in _FLOATING_DTYPES,
    )
    return _tensor_str_with_formatter(values, shape, indent, summarize, formatter)


def _add_suffixes(tensor_str, suffixes, indent):
    tensor_strs = [tensor_str]
    # PyTorch's arithmetic, off by two when there is no newline; kept for identical wrapping
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        suffix_len = len(suffix)
        if last_line_len + suffix_len + 2 > PRINT_OPTIONS.linewidth:
            tensor_strs.append(",\n" + " " * indent + suffix)
            last_line_len = indent + suffix_len
        else:
            tensor_strs.append(", " + suffix)
            last_line_len += suffix_len + 2
    tensor_strs.append(")")
    return "".join(tensor_strs)


def _python_values(values, dtype):
    """Elements as the Python objects tensor.tolist() gives, so that f"{value}" prints as in PyTorch."""
    if dtype == "bool":
        return [bool(v) for v in values]
    if dtype in _FLOATING_DTYPES:
        return [float(v) for v in values]
    return [int(v) for v in values]


def tensor_repr(values, shape, dtype, *, requires_grad=False, grad_fn=None, is_parameter=False, prefix="tensor("):
    """repr(tensor) as PyTorch 2.13 prints it (str(tensor) is the same text).

    values: flat row-major elements; shape: tuple of ints; dtype: "float32", "float64", "int64", "bool", ...;
    grad_fn: the grad_fn class name, e.g. "AddmmBackward0", or None.
    """
    shape = tuple(shape)
    values = _python_values(list(values), dtype)
    if len(values) != math.prod(shape):
        raise ValueError(f"{len(values)} values do not fill shape {shape}")

    indent = len(prefix)
    suffixes = []
    if not values:
        # Explicitly print the shape if it is not (0,), to match NumPy behavior
        if len(shape) != 1:
            suffixes.append("size=" + str(shape))
        # In an empty tensor, there are no elements to infer if the dtype should be int64, so it must be shown.
        if dtype != DEFAULT_FLOAT[0]:
            suffixes.append("dtype=torch." + dtype)
        tensor_str = "[]"
    else:
        if not PRINT_OPTIONS.edgeitems:
            suffixes.append("size=" + str(shape))
        if dtype not in (DEFAULT_FLOAT[0], "int64", "bool"):
            suffixes.append("dtype=torch." + dtype)
        tensor_str = _tensor_str(values, shape, dtype, indent)

    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")

    string_repr = _add_suffixes(prefix + tensor_str, suffixes, indent)
    if is_parameter:
        return "Parameter containing:\n" + string_repr
    return string_repr
