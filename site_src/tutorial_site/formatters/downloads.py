"""The bar under a tutorial page's title: the page as a notebook on the site, and its code to download."""

from __future__ import annotations

import posixpath

from ..page import Downloads


def insert(markdown: str, page_uri: str, downloads: Downloads) -> str:
    """The page's Markdown with the bar after its title (or first, on a page without one)."""
    lines = markdown.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    return "\n".join([*lines[: title + 1], "", render(page_uri, downloads), "", *lines[title + 1 :]])


def render(page_uri: str, downloads: Downloads) -> str:
    """Links as Markdown, relative to the page, so that mkdocs checks they resolve (strict build)."""

    def link(label: str, uri: str, download: bool) -> str:
        target = posixpath.relpath(uri, posixpath.dirname(page_uri) or ".")
        attributes = f' download="{posixpath.basename(uri)}"' if download else ""
        return f"[{label}]({target}){{ .md-button{attributes} }}"

    return (
        " ".join(
            [
                link("Open as a notebook", downloads.notebook, False),
                link("Download .ipynb", downloads.ipynb, True),
                link("Download .py", downloads.script, True),
            ]
        )
        + "\n{: .nn-downloads data-search-exclude }"
    )  # on every page: as search text it matches them all
