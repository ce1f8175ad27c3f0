"""torch.save and torch.load in PyTorch's zip format, so each reads what the other wrote.

The archive (torch/serialization.py _save with _use_new_zipfile_serialization): `<name>/data.pkl`, a protocol-2
pickle where each tensor is `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
OrderedDict())` and each storage a persistent id `('storage', torch.FloatStorage, key, 'cpu', numel)`, its bytes in
`<name>/data/<key>`; plus `.format_version`, `.storage_alignment`, `byteorder`, `version` and
`.data/serialization_id`. Every tensor in Pyodide and here is little-endian, as the archive records.
"""

import io
import os
import pickle
import zipfile
from array import array
from collections import Counter, OrderedDict

from . import _dtype
from ._device import device as _device_class
from ._size import Size
from ._tensor import Tensor
from ._unsupported import unsupported

_WORDS = {
    "bool": "Bool",
    "uint8": "Byte",
    "int8": "Char",
    "int16": "Short",
    "int32": "Int",
    "int64": "Long",
    "float16": "Half",
    "bfloat16": "BFloat16",
    "float32": "Float",
    "float64": "Double",
}
_DTYPES = [getattr(_dtype, name) for name in _WORDS if hasattr(_dtype, name)]
_STORAGE_DTYPES = {f"{_WORDS[d.name]}Storage": d for d in _DTYPES}
_ALIGNMENT = 64


class _GlobalRef:
    """A name the pickle refers to (GLOBAL 'module name') without this runtime having to be that module."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's save_reduce wants a callable; this one is only ever written by name
        raise TypeError(f"{self.module}.{self.name} is a name in a pickle")


_REBUILD_TENSOR = _GlobalRef("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _GlobalRef("torch._utils", "_rebuild_parameter")
_SIZE = _GlobalRef("torch", "Size")
_DEVICE = _GlobalRef("torch", "device")
_STORAGE_REFS = {name: _GlobalRef("torch", name) for name in _STORAGE_DTYPES}


class _Storage:
    """A tensor's storage as the pickle sees it: one persistent id per distinct storage."""

    def __init__(self, storage, dtype):
        self.storage, self.dtype = storage, dtype


def _storage_bytes(storage, dtype):
    if dtype is _dtype.bool:
        return bytes(bytearray(1 if v else 0 for v in storage))
    if getattr(dtype, "typecode", None) is None:
        raise unsupported(f"torch.save of a {dtype} tensor")
    data = storage if isinstance(storage, array) else array(dtype.typecode, storage)
    return data.tobytes()


def _storage_from_bytes(data, dtype):
    if dtype is _dtype.bool:
        return [b != 0 for b in data]
    if dtype.typecode is None:
        raise unsupported(f"torch.load of a {dtype} tensor")
    values = array(dtype.typecode)
    values.frombytes(data)
    return values


class _Pickler(pickle._Pickler):
    """The pure-Python pickler, writing PyTorch's globals by name (the runtime may be loaded under another name)."""

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = {}  # id(storage) -> (key, _Storage), in the order met, as PyTorch numbers them
        self.records = []

    def save(self, obj, *args, **kwargs):
        ref = obj if isinstance(obj, _GlobalRef) else None
        if isinstance(obj, _dtype.dtype):
            ref = _GlobalRef("torch", obj.name)
        if ref is None:
            return super().save(obj, *args, **kwargs)
        memo = self.memo.get(id(obj))
        if memo is not None:
            self.write(self.get(memo[0]))
            return None
        self.write(pickle.GLOBAL + f"{ref.module}\n{ref.name}\n".encode())
        self.memoize(obj)
        return None

    def persistent_id(self, obj):
        if not isinstance(obj, _Storage):
            return None
        key = self.storages.get(id(obj.storage))
        if key is None:
            key = self.storages[id(obj.storage)] = str(len(self.storages))
            self.records.append((key, obj))
        name = f"{_WORDS[obj.dtype.name]}Storage"
        return ("storage", _STORAGE_REFS[name], key, "cpu", len(obj.storage))

    def reducer_override(self, obj):
        from .nn.parameter import Parameter

        if isinstance(obj, Parameter):
            data = Tensor._make(obj._storage, obj._shape, obj._stride, obj._offset, obj.dtype)
            return _REBUILD_PARAMETER, (data, obj.requires_grad, OrderedDict())
        if isinstance(obj, Tensor):
            storage = _Storage(obj._storage, obj.dtype)
            return _REBUILD_TENSOR, (
                storage,
                obj._offset,
                tuple(obj._shape),
                tuple(obj._stride),
                obj.requires_grad,
                OrderedDict(),
            )
        if isinstance(obj, Size):
            return _SIZE, (tuple(obj),)
        if isinstance(obj, _device_class):
            return _DEVICE, (str(obj),)
        return NotImplemented


def _archive_name(f):
    if isinstance(f, (str, os.PathLike)):
        return os.path.splitext(os.path.basename(os.fspath(f)))[0]
    return "archive"


def _write_record(archive, name, data):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    # Pad the local header so the data starts on a 64-byte boundary, as PyTorch's writer does (extra field "FB").
    offset = archive.fp.tell() + 30 + len(name.encode())
    padding = (-(offset + 4)) % _ALIGNMENT
    info.extra = b"FB" + padding.to_bytes(2, "little") + b"Z" * padding
    archive.writestr(info, data)


def save(
    obj,
    f,
    pickle_module=pickle,
    pickle_protocol=2,
    _use_new_zipfile_serialization=True,
    _disable_byteorder_record=False,
):
    if not _use_new_zipfile_serialization:
        raise unsupported("torch.save(_use_new_zipfile_serialization=False)")
    if pickle_module is not pickle:
        raise unsupported("torch.save(pickle_module=...)")
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, pickle_protocol)
    pickler.dump(obj)
    name = _archive_name(f)
    target = open(os.fspath(f), "wb") if isinstance(f, (str, os.PathLike)) else f  # noqa: SIM115
    try:
        with zipfile.ZipFile(target, "w") as archive:
            _write_record(archive, f"{name}/data.pkl", buffer.getvalue())
            _write_record(archive, f"{name}/.format_version", b"1")
            _write_record(archive, f"{name}/.storage_alignment", str(_ALIGNMENT).encode())
            if not _disable_byteorder_record:
                _write_record(archive, f"{name}/byteorder", b"little")
            for key, storage in pickler.records:
                _write_record(archive, f"{name}/data/{key}", _storage_bytes(storage.storage, storage.dtype))
            _write_record(archive, f"{name}/version", b"3\n")
            _write_record(archive, f"{name}/.data/serialization_id", b"0" * 40)
    finally:
        if target is not f:
            target.close()


# ---- loading ----------------------------------------------------------------------------------------------------
def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    values, dtype = storage
    t = Tensor._make(values, tuple(size), tuple(stride), storage_offset, dtype)
    t.requires_grad = requires_grad
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from .nn.parameter import Parameter

    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad, backward_hooks)
    param.__dict__.update(state)
    return param


_safe_globals = []


def add_safe_globals(safe_globals):
    _safe_globals.extend(safe_globals)


def get_safe_globals():
    return list(_safe_globals)


def clear_safe_globals():
    _safe_globals.clear()


class safe_globals:
    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        _safe_globals.extend(self.safe_globals)

    def __exit__(self, *exc_info):
        del _safe_globals[len(_safe_globals) - len(self.safe_globals) :]


def _allowed_globals():
    from . import __name__ as package
    from .nn.parameter import Parameter

    allowed = {
        ("collections", "OrderedDict"): OrderedDict,
        ("collections", "Counter"): Counter,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch", "Size"): Size,
        ("torch", "device"): _device_class,
        ("torch", "Tensor"): Tensor,
        ("torch.nn.parameter", "Parameter"): Parameter,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "complex"): complex,
        ("builtins", "bytearray"): bytearray,
        ("_codecs", "encode"): __import__("_codecs").encode,
    }
    for d in _DTYPES:
        allowed[("torch", d.name)] = d
    for name, d in _STORAGE_DTYPES.items():
        allowed[("torch", name)] = d
    for obj in _safe_globals:
        module = getattr(obj, "__module__", None) or ""
        allowed[(module.replace(package, "torch", 1) if module.startswith(package) else module, obj.__qualname__)] = obj
    return allowed


def _weights_only_error(module, name):
    full = f"{module}.{name}"
    return pickle.UnpicklingError(
        "Weights only load failed. This file can still be loaded, to do so you have two options, \x1b[1mdo those "
        "steps only if you trust the source of the checkpoint\x1b[0m. \n\t(1) In PyTorch 2.6, we changed the default "
        "value of the `weights_only` argument in `torch.load` from `False` to `True`. Re-running `torch.load` with "
        "`weights_only` set to `False` will likely succeed, but it can result in arbitrary code execution. Do it "
        "only if you got the file from a trusted source.\n\t(2) Alternatively, to load with `weights_only=True` "
        "please check the recommended steps in the following error message.\n\tWeightsUnpickler error: "
        f"Unsupported global: GLOBAL {full} was not an allowed global by default. Please use "
        f"`torch.serialization.add_safe_globals([{full}])` or the `torch.serialization.safe_globals([{full}])` "
        "context manager to allowlist this global if you trust this class/function.\n\nCheck the documentation of "
        "torch.load to learn more about types accepted by default with weights_only "
        "https://pytorch.org/docs/stable/generated/torch.load.html."
    )


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, archive, prefix, weights_only):
        super().__init__(file)
        self.archive, self.prefix, self.weights_only = archive, prefix, weights_only
        self.allowed = _allowed_globals()
        self.loaded = {}

    def find_class(self, module, name):
        found = self.allowed.get((module, name))
        if found is not None:
            return found
        if self.weights_only:
            raise _weights_only_error(module, name)
        if module == "torch" or module.startswith("torch."):
            import importlib

            from . import __name__ as package

            target = importlib.import_module(package + module[len("torch") :])
            for part in name.split("."):
                target = getattr(target, part)
            return target
        return super().find_class(module, name)

    def persistent_load(self, pid):
        kind, dtype, key, _location, _numel = pid
        if kind != "storage":
            raise pickle.UnpicklingError(f"Unknown persistent id {kind!r}")
        if key not in self.loaded:
            data = self.archive.read(f"{self.prefix}data/{key}")
            self.loaded[key] = (_storage_from_bytes(data, dtype), dtype)
        return self.loaded[key]


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    if weights_only is None:
        weights_only = True
    if map_location not in (None, "cpu") and str(map_location) != "cpu":
        raise unsupported(f"torch.load(map_location={map_location!r})")
    source = open(os.fspath(f), "rb") if isinstance(f, (str, os.PathLike)) else f  # noqa: SIM115
    try:
        data = source.read()
    finally:
        if source is not f:
            source.close()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise unsupported("torch.load of a file in PyTorch's legacy (non-zip) format")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pkl = next(n for n in archive.namelist() if n.endswith("data.pkl") and n.count("/") == 1)
        prefix = pkl[: -len("data.pkl")]
        unpickler = _Unpickler(io.BytesIO(archive.read(pkl)), archive, prefix, weights_only)
        return unpickler.load()
