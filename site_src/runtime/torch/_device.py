from ._unsupported import unsupported


class device:
    """torch.device. Only 'cpu' exists in the browser, but 'cuda' devices can be named (and then refused on use)."""

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, index = type.split(":")
            index = int(index)
        if type not in ("cpu", "cuda", "mps"):
            raise RuntimeError(f"Expected one of cpu, cuda, mps device type at start of device string: {type}")
        self.type, self.index = type, index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"


device.__module__ = "torch"
CPU = device("cpu")


def check_device(where):
    """The device argument of factories and .to(): anything but the CPU is refused by name."""
    if where is not None and device(where).type != "cpu":
        raise unsupported(f"device '{device(where)}'")
