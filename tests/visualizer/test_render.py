"""DOT and inline SVG: highlight, clusters, ids, theming, accessibility; the browser's Graphviz draws the same SVG."""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import grad_graph
from grad_graph.graphviz import run_dot

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph(lenet):
    return grad_graph.build_graph(lenet["loss"], module=lenet["net"], name="loss")


def classes(element):
    return set(element.get("class", "").split())


def node_groups(svg_root):
    return [g for g in svg_root.iter(f"{SVG}g") if "node" in classes(g)]


def test_highlight_marks_the_walk_and_nothing_else(graph):
    dot = grad_graph.to_dot(graph, graph_id="hl", highlight=(0, 0))
    svg = ET.fromstring(run_dot(dot, "svg"))
    marked = {g.get("id") for g in svg.iter(f"{SVG}g") if "ag-on-path" in classes(g)}
    walk = graph.follow((0, 0))
    edges = [e for e in graph.edges if (e.source, e.index) in {(walk[0].id, 0), (walk[1].id, 0)}]
    edge_ids = {f"hl-e{graph.edges.index(e)}" for e in edges}
    assert marked == {f"hl-{node.id}" for node in walk} | edge_ids
    assert len(marked) == 5
    with pytest.raises(ValueError, match="step 3"):
        grad_graph.to_dot(graph, highlight=(0, 0, 0, 0))


def test_clusters_box_each_module(graph):
    dot = grad_graph.to_dot(graph, graph_id="cl", clusters=True)
    svg = ET.fromstring(run_dot(dot, "svg"))
    labels = {g.find(f"{SVG}text").text for g in svg.iter(f"{SVG}g") if "ag-cluster" in classes(g)}
    assert labels == {"conv1", "conv2", "fc1", "fc2", "fc3"}
    assert "cluster" not in grad_graph.to_dot(graph)


def test_inline_svg_is_well_formed_themed_and_accessible(lenet):
    text = grad_graph.render(lenet["loss"], module=lenet["net"], name="loss", graph_id="lenet", title="LeNet's loss")
    assert not text.lstrip().startswith("<?xml") and "<!DOCTYPE" not in text and "<!--" not in text
    assert "\n\n" not in text  # a blank line would end the raw-HTML block in Markdown
    svg = ET.fromstring(text)
    assert svg[0].tag == f"{SVG}title" and svg[0].text == "LeNet's loss"
    assert svg[1].tag == f"{SVG}desc" and "conv1.weight" in svg[1].text
    assert svg.get("aria-labelledby") == "lenet-title"
    assert svg.get("viewBox") and svg.get("width") == "100%" and "height" not in svg.attrib
    assert re.fullmatch(r"--ag-width: ([\d.]+pt); max-width: \1; height: auto;", svg.get("style"))  # graph.css zooms
    colours = {el.get(a) for el in svg.iter() for a in ("fill", "stroke") if el.get(a) is not None}
    assert colours <= {"none", "transparent", "currentColor"}, colours  # graph.css paints with Material's variables
    texts = {t.text for t in svg.iter(f"{SVG}text")}
    assert {"fc3.bias", "conv1.weight", "MseLossBackward0", "[1, 16, 5, 5]"} <= texts  # find-in-page reaches them
    nodes = node_groups(svg)
    assert len(nodes) == 26 and all(g.get("tabindex") == "0" for g in nodes)
    titles = {g.find(f"{SVG}title").text for g in nodes}
    assert "loss.grad_fn.next_functions[0][0].next_functions[0][0] · fc3.bias · [10]" in titles


def test_ids_are_unique_per_diagram(lenet):
    first, second = (
        ET.fromstring(grad_graph.render(lenet["loss"], module=lenet["net"], graph_id=name)) for name in ("one", "two")
    )
    ids = [[el.get("id") for el in svg.iter() if el.get("id")] for svg in (first, second)]
    assert all(len(set(i)) == len(i) for i in ids)
    # Graphviz names the tooltip's <a> wrapper "a_" + the node's id.
    assert all(i.removeprefix("a_").startswith("one-") or i == "one" for i in ids[0])
    assert all(i.removeprefix("a_").startswith("two-") or i == "two" for i in ids[1])
    assert not set(ids[0]) & set(ids[1])
    with pytest.raises(ValueError, match="graph_id"):
        grad_graph.render(lenet["loss"], graph_id="1 bad")


def test_png_and_dot(lenet):
    assert grad_graph.render(lenet["loss"], "png").startswith(b"\x89PNG")
    assert grad_graph.render(lenet["loss"], "dot").startswith('digraph "Autograd graph of grad_fn"')
    with pytest.raises(ValueError, match="format"):
        grad_graph.render(lenet["loss"], "jpg")


VIZ_SCRIPT = """
const fs = require("fs");
import("@viz-js/viz").then(async (viz) => {
  const instance = await viz.instance();
  process.stdout.write(instance.renderString(fs.readFileSync(0, "utf8"), { format: "svg" }));
});
"""


@pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "node_modules/@viz-js/viz").is_dir(),
    reason="needs Node.js and node_modules/@viz-js/viz",
)
def test_browser_graphviz_draws_the_same_elements(graph):
    """@viz-js/viz (what the page uses) and dot (the build) give the same ids, classes, tooltips and texts."""
    dot = grad_graph.to_dot(graph, graph_id="same", clusters=True, highlight=(0, 0))
    in_browser = subprocess.run(
        ["node", "-e", VIZ_SCRIPT], input=dot, capture_output=True, text=True, cwd=ROOT, check=True, timeout=120
    ).stdout

    def summary(svg_text):
        svg = ET.fromstring(svg_text)
        groups = {
            g.get("id"): (sorted(classes(g)), [a.get(XLINK_TITLE) for a in g.iter(f"{SVG}a")])
            for g in svg.iter(f"{SVG}g")
            if g.get("id")
        }
        return groups, sorted(t.text for t in svg.iter(f"{SVG}text"))

    assert summary(in_browser) == summary(run_dot(dot, "svg"))
    themed = ET.fromstring(grad_graph.inline_svg(in_browser, title="t", description="d"))
    assert len(node_groups(themed)) == len(graph.nodes)
