"""Whether operations record a graph: no_grad, enable_grad, set_grad_enabled (context managers and decorators)."""

import functools

_grad_enabled = True


def is_grad_enabled():
    return _grad_enabled


class _GradMode:
    mode = True

    def __enter__(self):
        global _grad_enabled
        self._previous, _grad_enabled = _grad_enabled, self.mode

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self._previous

    def __call__(self, function):
        @functools.wraps(function)
        def with_mode(*args, **kwargs):
            with type(self)():
                return function(*args, **kwargs)

        return with_mode


class no_grad(_GradMode):
    mode = False


class enable_grad(_GradMode):
    mode = True


class inference_mode(_GradMode):
    def __init__(self, mode=True):
        self.mode = not mode


class set_grad_enabled(_GradMode):
    """Takes effect on construction, so `torch.set_grad_enabled(False)` works as a plain call too."""

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
