"""Links in a page's prose, as its notebook writes them: to the pages of the site, relative to the notebook page."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

LINK = re.compile(r"(?<=\]\()(?P<target>[^)\s]+)")


class Links:
    """Where a link in a page's prose points to from its notebook: the site's page, relative to the notebook page.

    Relative, not through site_url: site_url defaults to the local `mkdocs serve` address (instant navigation needs
    one), which would be wrong in a notebook read anywhere else.
    """

    def __init__(self, config: MkDocsConfig, files: Files, page: File, notebook_uri: str):
        self.files = files
        self.page = page
        stem = notebook_uri.removesuffix(".ipynb")
        self.notebook_url = f"{stem}/" if config.use_directory_urls else f"{stem}.html"

    def url(self, site_url: str) -> str:
        """A URL of the site (relative to its root, as File.url) as seen from the notebook."""
        return get_relative_url(site_url, self.notebook_url)

    def rewrite(self, line: str) -> str:
        return LINK.sub(lambda match: self._target(match["target"]), line)

    def _target(self, target: str) -> str:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return target
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.page.src_uri), parts.path))
        file = self.files.get_file_from_path(path)
        if file is None:
            return target
        return self.url(file.url) + (f"#{parts.fragment}" if parts.fragment else "")
