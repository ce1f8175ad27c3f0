"""Whether operations record a graph: no_grad, enable_grad, set_grad_enabled, inference_mode (context managers and
decorators, as torch/autograd/grad_mode.py defines them)."""

import functools

_grad_enabled = True
_inference_mode = False


def is_grad_enabled():
    return _grad_enabled


def is_inference_mode_enabled():
    return _inference_mode


class _GradMode:
    """A context manager that is also a decorator, with or without the call: @torch.no_grad and @torch.no_grad()."""

    mode = True

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)

    def __enter__(self):
        global _grad_enabled
        self._previous, _grad_enabled = _grad_enabled, self.mode

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self._previous

    def clone(self):
        return type(self)()

    def __call__(self, function):
        @functools.wraps(function)
        def with_mode(*args, **kwargs):
            with self.clone():
                return function(*args, **kwargs)

        return with_mode


class no_grad(_GradMode):
    mode = False

    def __init__(self, orig_func=None):
        pass


class enable_grad(_GradMode):
    mode = True

    def __init__(self, orig_func=None):
        pass


class inference_mode(_GradMode):
    """inference_mode(True) turns grad mode off and is_inference_mode_enabled on; inference_mode(False) turns
    inference mode off. Tensors made inside are ordinary tensors here (PyTorch marks them as inference tensors)."""

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return object.__new__(cls)
        return cls()(mode)

    def __init__(self, mode=True):
        self.inference = mode

    def __enter__(self):
        global _grad_enabled, _inference_mode
        self._previous = _grad_enabled, _inference_mode
        # c10::InferenceMode(enabled): grad mode off when enabled, else left as it was; inference mode = enabled
        _grad_enabled, _inference_mode = _grad_enabled and not self.inference, self.inference

    def __exit__(self, *exc_info):
        global _grad_enabled, _inference_mode
        _grad_enabled, _inference_mode = self._previous

    def clone(self):
        return type(self)(self.inference)


class set_grad_enabled(_GradMode):
    """Takes effect on construction, so `torch.set_grad_enabled(False)` works as a plain call too."""

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        global _grad_enabled
        self.mode = mode
        self._previous, _grad_enabled = _grad_enabled, mode

    def __enter__(self):
        pass

    def __call__(self, function):
        global _grad_enabled
        _grad_enabled = self._previous
        return super().__call__(function)

    def clone(self):
        return set_grad_enabled(self.mode)

    def __repr__(self):
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"


for _cls in (no_grad, enable_grad, inference_mode, set_grad_enabled):
    _cls.__module__ = "torch.autograd.grad_mode"
