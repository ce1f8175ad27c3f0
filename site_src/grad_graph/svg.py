"""Graphviz SVG -> SVG to inline in an HTML page.

What Graphviz writes is a standalone file: an XML prolog and DOCTYPE, sizes in
points, and the colours from the DOT. Inline on a themed page the diagram
should instead follow the page: colours become ``currentColor`` (graph.css then
paints nodes with Material's CSS variables, so light and dark schemes both
read), the width follows the container up to the drawn size (graph.css keeps
the text readable, graph.js zooms), and the root gets a <title> and <desc> for
screen readers. Node and edge <title>s (Graphviz writes internal names such as
"n0") become their tooltips, the index path that reaches them. Pure standard
library: usable inside Pyodide too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_KEEP = {"none", "transparent"}


def _tag(name: str) -> str:
    return f"{{{SVG_NS}}}{name}"


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def inline_svg(svg_text: str | bytes, *, title: str, description: str) -> str:
    """Rewrite Graphviz's SVG output for inlining; returns the <svg> element's markup.

    The graph's id (DOT ``id``, see dot.to_dot's graph_id) prefixes the ids of
    the added <title> and <desc>, so diagrams on one page stay distinct.
    """
    root = ET.fromstring(svg_text)  # the parser drops the prolog, DOCTYPE and comments
    graph = root.find(_tag("g"))
    graph_id = graph.get("id", "autograd") if graph is not None else "autograd"

    width = root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    root.set("width", "100%")
    style = "height: auto;"
    if width:
        # --ag-width, the drawn size, is what graph.css sizes and zooms from; max-width keeps the drawing at
        # most that wide where graph.css is not loaded.
        style = f"--ag-width: {width}; max-width: {width}; {style}"
    root.set("style", style)
    root.set("class", "ag-svg")
    root.set("aria-labelledby", f"{graph_id}-title")
    root.set("aria-describedby", f"{graph_id}-desc")
    title_element = ET.Element(_tag("title"), id=f"{graph_id}-title")
    title_element.text = title
    desc_element = ET.Element(_tag("desc"), id=f"{graph_id}-desc")
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)

    if graph is not None:
        for background in graph.findall(_tag("polygon")):
            background.set("fill", "none")
            background.set("stroke", "none")
    for group in root.iter(_tag("g")):
        classes = _classes(group)
        if "node" in classes or "edge" in classes:
            _title_from_tooltip(group)
        if "node" in classes:
            group.set("tabindex", "0")  # hover shows the path; focus (tap, Tab) lets graph.js show it
            for shape in group.iter():
                if shape.tag != _tag("text") and shape.get("fill") not in (None, *_KEEP):
                    shape.set("fill", "none")  # graph.css fills node boxes
    for element in root.iter():
        for attribute in ("fill", "stroke"):
            if element.get(attribute) not in (None, *_KEEP):
                element.set(attribute, "currentColor")
        if element.tag != _tag("text"):
            # Comments the parser dropped leave blank lines behind; a blank line
            # would end a raw-HTML block in Markdown.
            if element.text is not None and not element.text.strip():
                element.text = "\n"
        if element.tail is not None and not element.tail.strip():
            element.tail = "\n"
    root.tail = None
    return ET.tostring(root, encoding="unicode")


def _title_from_tooltip(group: ET.Element) -> None:
    """Move the DOT tooltip into the group's <title> and drop the <a> that carried it.

    Graphviz writes a tooltip as <g id="a_..."><a xlink:title="..."> around the
    shapes; one copy (the <title>, which browsers show on hover and screen
    readers read) keeps the page small: paths from the root can be long.
    """
    title = group.find(_tag("title"))
    for position, wrapper in enumerate(list(group)):
        anchor = wrapper.find(_tag("a")) if wrapper.tag == _tag("g") else None
        if anchor is None:
            continue
        tooltip = anchor.get(f"{{{XLINK_NS}}}title")
        if title is not None and tooltip:
            title.text = tooltip
        group.remove(wrapper)
        for offset, shape in enumerate(anchor):
            group.insert(position + offset, shape)
