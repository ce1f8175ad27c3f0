"""Browser assets (the page runner owns this module; placeholder until it lands)."""
from pathlib import Path


def extra_css() -> list[str]:
    return []


def extra_javascript() -> list[str]:
    return []


def install(site_dir: Path) -> None:
    pass
