"""torch.utils.hooks.RemovableHandle: what register_hook and the optimizer's hook registrations return."""

from ..autograd.graph import RemovableHandle

__all__ = ["RemovableHandle"]
