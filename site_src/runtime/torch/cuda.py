"""torch.cuda in the browser: there is no GPU, so is_available() is False and the rest is refused by name."""

from ._unsupported import missing_attribute


def is_available():
    return False


def device_count():
    return 0


def __getattr__(name):
    return missing_attribute("torch.cuda", name)
