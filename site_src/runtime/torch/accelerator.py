"""torch.accelerator (the tutorial's device pick): the browser has none."""

from ._unsupported import missing_attribute


def is_available():
    return False


def current_accelerator(check_available=False):
    return None


def device_count():
    return 0


def __getattr__(name):
    return missing_attribute("torch.accelerator", name)
