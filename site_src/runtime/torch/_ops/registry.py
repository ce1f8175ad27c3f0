"""Where each op is declared once: `@op` beside its definition makes it torch.NAME and Tensor.NAME, with
in_place=True also Tensor.NAME_ (computed out of place, then written into self, as pointwise.in_place does it), and
with out=True gives torch.NAME an `out=` argument (the result written into a given tensor, pointwise.write_out).
This is the job PyTorch's native_functions.yaml does: nothing else lists the ops. torch/__init__.py exports
FUNCTIONS and _tensor.py binds METHODS and IN_PLACE, once every op module is imported (see _ops/__init__.py).
"""

FUNCTIONS = {}  # torch.NAME
METHODS = {}  # Tensor.NAME
IN_PLACE = {}  # Tensor.NAME_ -> the out-of-place op it is made from


def op(fn=None, *, function=True, method=True, in_place=False, out=False, aliases=()):
    """Declare fn (under its own name and any aliases) as a torch function, a Tensor method, or both."""

    def declare(fn):
        for name in (fn.__name__, *aliases):
            if function:
                FUNCTIONS[name] = _with_out(fn) if out else fn
            if method:
                METHODS[name] = fn
            if in_place:
                IN_PLACE[name + "_"] = fn
        return fn

    return declare(fn) if fn is not None else declare


def method(fn=None, **options):
    """A Tensor method with no torch.NAME function (view, new_zeros, fill_)."""
    return op(fn, function=False, **options)


def function(fn=None, **options):
    """A torch function with no Tensor method (zeros, arange, cat)."""
    return op(fn, method=False, **options)


def _with_out(fn):
    def with_out(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        if out is None:
            return result
        from .pointwise import write_out  # (the op modules import this one)

        return write_out(out, result, fn.__name__)

    with_out.__name__, with_out.__doc__, with_out.__wrapped__ = fn.__name__, fn.__doc__, fn
    return with_out
