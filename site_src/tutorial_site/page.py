"""The page model: what a tutorial page ran (its cells, in order) and what the build makes of it for the reader.

Shared by the plugin, which fills it in as a page runs, the formatters, which render it, and the notebooks, which
convert it: it lives here, below all three, so that none of them imports another for its types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Cell:
    cell: int
    source: str
    section: str | None
    first_line: int
    code: str
    output: str
    # The options of the autograd-graph block drawn after this cell (formatters/graph.live_options): the live
    # "Show graph" of the same tensor draws as the diagram does.
    graph: dict[str, Any] | None = None


@dataclass
class PageRun:
    """What a page ran: its cells in order, and the snippet modules its code imports."""

    page: str
    cells: list[Cell] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Downloads:
    """What the build generates for one tutorial page, as paths in the site (src_uris)."""

    notebook: str  # notebooks/<page>.ipynb: rendered as a page of the site
    ipynb: str  # downloads/<page>.ipynb
    script: str  # downloads/<page>.py

    @classmethod
    def of(cls, name: str) -> Downloads:
        return cls(f"notebooks/{name}.ipynb", f"downloads/{name}.ipynb", f"downloads/{name}.py")
