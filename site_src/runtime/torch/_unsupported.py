"""The named error for APIs outside the in-browser subset: never a silent wrong answer, never a bare AttributeError."""


def unsupported(api):
    return NotImplementedError(f"{api} is not available in the in-browser runtime; run this snippet locally")


class MissingAttributeError(NotImplementedError, AttributeError):
    """The named error raised from __getattr__. Being an AttributeError too, hasattr() and getattr(x, name, default)
    answer "absent" as Python code probing for an API expects."""


# Tracebacks print it as what it is for the reader: "NotImplementedError: torch.linalg.svd is not available ..."
MissingAttributeError.__module__ = "builtins"
MissingAttributeError.__name__ = MissingAttributeError.__qualname__ = "NotImplementedError"


# PyTorch submodules outside the subset. Reaching one gives a stand-in, so the error can name the full API a
# program used (torch.linalg.svd) rather than only the submodule.
MISSING_SUBMODULES = {"torch": {"linalg", "fft", "special", "distributions", "utils", "jit", "onnx", "sparse",
                                "backends", "distributed", "amp", "compiler", "export", "fx", "hub", "masked",
                                "mps", "multiprocessing", "nested", "profiler", "quantization", "testing"},
                      "torch.nn": {"utils", "parallel", "attention", "qat", "quantized"}}


class MissingModule:
    def __init__(self, path):
        self._path = path

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise MissingAttributeError(*unsupported(f"{self._path}.{name}").args)

    def __call__(self, *args, **kwargs):
        raise unsupported(self._path)

    def __repr__(self):
        return f"<module '{self._path}' (not in the in-browser runtime)>"


def missing_attribute(namespace, name):
    """The body of a __getattr__ for `namespace.name` that the subset lacks: a MissingModule for a known PyTorch
    submodule, else the named error. Private and dunder names stay AttributeErrors, so Python's own probes
    (copy, pickle, hasattr on protocols) keep working."""
    if name in MISSING_SUBMODULES.get(namespace, ()):
        return MissingModule(f"{namespace}.{name}")
    if name.startswith("_"):
        raise AttributeError(f"'{namespace}' has no attribute '{name}'")
    raise MissingAttributeError(*unsupported(f"{namespace}.{name}").args)
