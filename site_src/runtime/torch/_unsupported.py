"""The named error for APIs outside the in-browser subset: never a silent wrong answer, never a bare AttributeError."""

import os
import sys


NO_NUMPY = "this site's Pyodide has no NumPy build"


def unsupported(api, why=None):
    reason = f" ({why})" if why else ""
    return NotImplementedError(f"{api} is not available in the in-browser runtime{reason}; run this snippet locally")


class MissingAttributeError(NotImplementedError, AttributeError):
    """The named error raised from __getattr__. Being an AttributeError too, hasattr() and getattr(x, name, default)
    answer "absent" as Python code probing for an API expects."""

    def __init__(self, message):
        super().__init__(message)
        # Python 3.12+ appends "Did you mean: 'min'?" to an AttributeError, from dir() of its .obj: for torch.sin
        # that names another API, not sin's alternative. An object with an empty dir() leaves the message as it is.
        self.name, self.obj = "", _NO_SUGGESTIONS


class _NoSuggestions:
    def __dir__(self):
        return []


_NO_SUGGESTIONS = _NoSuggestions()


# Tracebacks print it as what it is for the reader: "NotImplementedError: torch.linalg.svd is not available ..."
MissingAttributeError.__module__ = "builtins"
MissingAttributeError.__name__ = MissingAttributeError.__qualname__ = "NotImplementedError"


# PyTorch submodules outside the subset. Reaching one gives a stand-in, so the error can name the full API a
# program used (torch.linalg.svd) rather than only the submodule.
MISSING_SUBMODULES = {
    "torch": {
        "fft",
        "special",
        "distributions",
        "jit",
        "onnx",
        "sparse",
        "backends",
        "distributed",
        "amp",
        "compiler",
        "export",
        "fx",
        "hub",
        "masked",
        "mps",
        "multiprocessing",
        "nested",
        "profiler",
        "quantization",
        "testing",
    },
    "torch.nn": {"parallel", "attention", "qat", "quantized"},
    "torch.nn.utils": {"parametrize", "parametrizations", "rnn", "prune", "stateless", "fusion"},
}


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


def is_refusal(error):
    """Whether `error` is the runtime's own "not available in the in-browser runtime" refusal."""
    return isinstance(error, (NotImplementedError, ModuleNotFoundError)) and "in the in-browser runtime" in str(error)


def user_traceback(error, tb):
    """tb without the runtime's own frames at its end when `error` is a refusal: the reader's traceback stops at
    the line of their code that used the missing API, as it would for a built-in that does not exist."""
    if not is_refusal(error):
        return tb
    package = os.path.dirname(__file__) + os.sep
    frames = []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    while len(frames) > 1 and frames[-1].tb_frame.f_code.co_filename.startswith(package):
        frames.pop()
    if not frames:
        return None
    frames[-1].tb_next = None
    return frames[0]


class _NoNumpyFinder:
    """`import numpy` inside Pyodide: Pyodide's NumPy lives on a CDN this site cannot use (no wasm NumPy is on the
    package registries), so say that in one sentence instead of a bare ModuleNotFoundError."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "numpy" or name.startswith("numpy."):
            raise ModuleNotFoundError(unsupported("NumPy", NO_NUMPY).args[0], name="numpy")
        return None


def refuse_numpy_imports():
    if sys.platform == "emscripten" and not any(isinstance(f, _NoNumpyFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoNumpyFinder())
