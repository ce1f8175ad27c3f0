"""Leave the site folder alone until a build has succeeded: a failed build must not empty a site about to be deployed.

mkdocs cleans site_dir right after the `pre_build` event, before reading any page, and fails a strict build only
after `post_build`. Running every page's snippets before the clean would not be enough: the notebooks, the links
and the other plugins can fail a build later. So the build writes into a staging folder next to site_dir (same
file system: its entries are moved, not copied), and that folder's content replaces site_dir's at the end of
`post_build`, when nothing but mkdocs' count of strict warnings can still fail the build, which is checked first.
A failed build removes the staging folder and site_dir stays as the last good build left it.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import CountHandler, clean_directory


class StagedSiteDir:
    def __init__(self, config: MkDocsConfig):
        """Point config.site_dir at a new staging folder; mkdocs builds there."""
        self.config = config
        self.site_dir = Path(config.site_dir)
        self.site_dir.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{self.site_dir.name}.building-"
        _remove_orphans(self.site_dir.parent, prefix)
        self.staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=self.site_dir.parent))
        config.site_dir = str(self.staging)
        atexit.register(self.discard)  # a build interrupted (Ctrl-C) leaves no staging folder behind

    def publish(self) -> None:
        """Replace site_dir's content with the build's, unless strict mode is about to fail the build."""
        if _strict_warnings():
            return  # mkdocs raises Abort next, and on_build_error discards the staging folder
        self.site_dir.mkdir(exist_ok=True)
        # Emptied as mkdocs empties it, keeping its hidden entries (a .git of a deployment checkout, say); the
        # folder itself stays, for `mkdocs serve` serves it and it may be a mount point.
        clean_directory(str(self.site_dir))
        for entry in self.staging.iterdir():
            _remove(self.site_dir / entry.name)
            shutil.move(entry, self.site_dir / entry.name)
        self.discard()

    def discard(self) -> None:
        """Remove the staging folder and give config.site_dir back (gh-deploy publishes from it after the build)."""
        atexit.unregister(self.discard)
        shutil.rmtree(self.staging, ignore_errors=True)
        self.config.site_dir = str(self.site_dir)


def _strict_warnings() -> bool:
    """Whether mkdocs counted warnings it fails a strict build for: it adds its counter in strict mode only."""
    return any(
        isinstance(handler, CountHandler) and handler.get_counts() for handler in logging.getLogger("mkdocs").handlers
    )


def _remove_orphans(folder: Path, prefix: str) -> None:
    """Remove the staging folders of builds that were killed (no atexit then), not those of builds still running."""
    for staging in folder.glob(f"{prefix}*"):
        pid = staging.name.removeprefix(prefix).partition("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
