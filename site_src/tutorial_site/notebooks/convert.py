"""A parsed page (fences.py) and its run -> notebook cells: prose in plain Markdown a notebook renders, the run's code.

Admonitions become block quotes that open with their kind and title in bold, content tabs a bold label over their
content, code annotations stay the numbered list they are (the code keeps `# (1)` for it), an autograd diagram the
image of the one the page drew at that point. Containers are indented by four spaces: their bodies are converted
after dedenting, so that fences and containers nest as on the page.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Union

import nbformat

from ..fences import Code, Fence, Part, PythonFence, Text, page_lines
from ..page import Cell
from .diagrams import Diagram
from .kernels import KERNEL
from .links import Links

ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
TAB = re.compile(r'^===\+?[ \t]+"(?P<title>[^"]*)"[ \t]*$')
HEADING = re.compile(r"^#{1,6}[ \t]")
# Material's code annotation marker, `# (1)!`: the `!` asks Material to hide the comment around the marker.
ANNOTATION_MARKER = re.compile(r"[ \t]*#[ \t]*\((?P<number>\d+)\)!", re.MULTILINE)

Item = Union[str, Code, Fence]  # a line of text, or a fence: what the converter reads
Block = Union[str, Code, nbformat.NotebookNode]  # a Markdown line, a fence kept as it is, or a code cell


class PageConverter:
    """One page's cells and diagrams, converted with the parts of the page that ran them.

    `cells` and `diagrams` (the figures the page drew, in page order) come from the run of the same parts: one per
    python fence and one per autograd-graph fence, in order. `demote` moves headings one level down, for the
    whole-tutorial notebook whose one title is the tutorial's.
    """

    def __init__(self, cells: list[Cell], diagrams: list[Diagram], links: Links, demote: bool = False):
        self.run_cells = iter(cells)
        self.diagrams = iter(diagrams)
        self.links = links
        self.demote = demote

    def convert(self, parts: list[Part], title: str | None = None) -> list:
        """The notebook cells of the page; `title` is its heading when the page has none of its own."""
        items: list[Item] = []
        if title is not None and not any(line.startswith("# ") for line in page_lines(parts)):
            items.append(f"# {title}")
        for part in parts:
            if isinstance(part, Fence):
                items.extend([part, *getattr(part, "annotation_lines", [])])  # the annotations: prose to a notebook
            else:
                items.extend(part.lines if isinstance(part, Text) else [part])
        return _to_notebook_cells(self._blocks(items))

    def _blocks(self, items: list[Item]) -> list[Block]:
        """Markdown lines, fences kept as they are, and code cells, in page order."""
        out: list[Block] = []
        i = 0
        while i < len(items):
            item = items[i]
            container = (ADMONITION.match(item) or TAB.match(item)) if isinstance(item, str) else None
            if container:
                body, i = _indented_body(items, i + 1)
                inner = self._blocks(body)
                if container.re is TAB:
                    out.extend([f"**{container['title']}**", "", *inner])
                else:
                    out.extend(_quoted(_admonition_title(container["kind"], container["title"]), inner))
                continue
            if isinstance(item, str):
                if item.strip() or not out or out[-1] != "":  # a container already ends with a blank line
                    out.append(self.links.rewrite("#" + item if self.demote and HEADING.match(item) else item))
            else:
                out.extend(self._fence(item))
            i += 1
        return out

    def _fence(self, fence: Code | Fence) -> list[Block]:
        if isinstance(fence, Code):
            if not fence.closed:
                raise ValueError(f"unclosed fence: {fence.lines[0].strip()}")
            return [fence]
        if isinstance(fence, PythonFence):
            cell = next(self.run_cells)
            annotated = bool(fence.annotations)
            code = ANNOTATION_MARKER.sub(r"  # (\g<number>)", cell.code) if annotated else strip_markers(cell.code)
            notebook_cell = nbformat.v4.new_code_cell(code.rstrip("\n"))
            notebook_cell.metadata["tutorial"] = {
                "page": self.links.page.src_uri,
                "cell": cell.cell,
                "source": cell.source,
                "section": cell.section,
            }
            return [notebook_cell]
        return next(self.diagrams).markdown()  # an autograd-graph fence


def strip_markers(code: str) -> str:
    return ANNOTATION_MARKER.sub("", code)


def assemble(cells: list, intro: str, modules: dict[str, str]) -> nbformat.NotebookNode:
    """A notebook: the title cell with `intro`, the cells that write `modules`, then the rest of `cells`."""
    title, *rest = (copy.deepcopy(cell) for cell in cells)
    head, _, body = title.source.partition("\n")
    title.source = f"{head}\n\n{intro}"
    setup = _module_cells(modules) if modules else []
    if body.strip():
        rest.insert(0, nbformat.v4.new_markdown_cell(body.strip()))
    notebook = nbformat.v4.new_notebook(
        cells=[title, *setup, *rest], metadata={"kernelspec": dict(KERNEL), "language_info": {"name": "python"}}
    )
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # stable ids: the same page gives the same file, and the same cache key
    return notebook


def _module_cells(modules: dict[str, str]) -> list:
    names = ", ".join(f"`{name}`" for name in sorted(modules))
    note = nbformat.v4.new_markdown_cell(
        f"The code below imports {names} from the tutorial's `snippets/` folder. The next cell writes "
        f"{'it' if len(modules) == 1 else 'them'} next to this notebook, so that the notebook runs on its own."
    )
    cells = [note]
    for name in sorted(modules):
        cell = nbformat.v4.new_code_cell(f"%%writefile {name}\n{strip_markers(modules[name]).rstrip()}")
        cell.metadata["tutorial"] = {"module": name}
        cells.append(cell)
    return cells


def _indented_body(items: list[Item], start: int) -> tuple[list[Item], int]:
    """The items of a container (indented by 4), dedented, and the index after its last non-blank one."""
    body: list[Item] = []
    end = start
    for j in range(start, len(items)):
        item = items[j]
        line = item if isinstance(item, str) else item.lines[0]
        if line.strip() and not line.startswith("    "):
            break
        body.append(_dedented(item))
        if line.strip():
            end = j + 1
    return body[: end - start], end


def _dedented(item: Item) -> Item:
    if isinstance(item, str):
        return item[4:]
    if isinstance(item, Code):
        return dataclasses.replace(item, lines=[line[4:] for line in item.lines])
    return item  # a fence the page ran: the converter reads nothing of its lines


def _admonition_title(kind: str, title: str | None) -> str:
    """An admonition's bold first line in a notebook: its kind (Material shows it by colour and icon), its title."""
    label = kind.title()
    return label if not title or title == label else f"{label}: {title}"


def _quoted(title: str, blocks: list[Block]) -> list[Block]:
    """An admonition as a block quote; a code cell inside one ends the quote, the text after it quotes on."""
    out: list[Block] = []
    pending = [f"**{title}**", ""]
    for block in [*blocks, None]:
        if isinstance(block, (str, Code)):
            pending.extend([block] if isinstance(block, str) else block.lines)
            continue
        while pending and not pending[-1].strip():
            pending.pop()
        while pending and not pending[0].strip():
            pending.pop(0)
        out.extend(f"> {text}".rstrip() for text in pending)
        out.extend([""] if block is None else [block])
        pending = []
    return out


def _to_notebook_cells(blocks: list[Block]) -> list:
    """Markdown lines gathered into cells, a new one at each heading outside a fence; code cells as they are."""
    cells: list = []
    text: list[str] = []

    def flush():
        source = "\n".join(text).strip("\n")
        if source.strip():
            cells.append(nbformat.v4.new_markdown_cell(source))
        text.clear()

    for block in blocks:
        if isinstance(block, Code):
            text.extend(block.lines)
        elif not isinstance(block, str):
            flush()
            cells.append(block)
        else:
            if HEADING.match(block):
                flush()
            text.append(block)
    flush()
    return cells
