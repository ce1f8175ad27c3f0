"""The ```autograd-graph``` block's formatter: a figure with the inline SVG, its caption and the DOT for the browser."""

import html
import re
import xml.etree.ElementTree as ET

import pytest

import grad_graph
from grad_graph.names import model_from_globals, names_from_globals
from tutorial_site.formatters import graph as formatter

SVG = "{http://www.w3.org/2000/svg}"
OPTIONS = {
    "tensor": "loss",
    "module": "net",
    "highlight": "next_functions[0][0].next_functions[0][0]",
    "clusters": "true",
    "caption": "The graph loss.backward() walks",
}


@pytest.fixture(scope="module")
def figure(lenet):
    return formatter.render(dict(OPTIONS), lenet)


def test_figure_holds_svg_caption_and_dot(figure, lenet):
    assert figure.startswith('<figure class="autograd-graph"') and figure.endswith("</figure>")
    assert "\n\n" not in figure and not re.search(r"^\s", figure, re.M)  # stays one raw-HTML block in Markdown
    svg_text = figure[figure.index("<svg") : figure.index("</svg>") + len("</svg>")]
    svg = ET.fromstring(svg_text)
    assert svg.find(f"{SVG}title").text == OPTIONS["caption"]
    assert "<figcaption>The graph loss.backward() walks" in figure

    dot = html.unescape(re.search(r'data-dot="([^"]*)"', figure)[1])
    graph_id = re.search(r'id="([\w-]+)-figure"', figure)[1]
    built = grad_graph.build_graph(lenet["loss"], module=lenet["net"], name="loss")
    assert dot == grad_graph.to_dot(built, graph_id=graph_id, title=OPTIONS["caption"], clusters=True, highlight=(0, 0))
    on_path = {g.get("id") for g in svg.iter(f"{SVG}g") if "ag-on-path" in g.get("class", "").split()}
    assert {f"{graph_id}-{node.id}" for node in built.follow((0, 0))} <= on_path
    assert {t.text for t in svg.iter(f"{SVG}text")} >= {"conv1.weight", "fc3.bias"}


def test_ids_are_stable_and_differ_between_blocks(figure, lenet):
    assert formatter.render(dict(OPTIONS), lenet) == figure
    other = formatter.render({**OPTIONS, "highlight": ""}, lenet)
    ids = [re.search(r'id="([\w-]+)-figure"', text)[1] for text in (figure, other)]
    assert ids[0] != ids[1]
    assert 'id="mine-figure"' in formatter.render({**OPTIONS, "id": "mine"}, lenet)


def test_without_module_names_follow_the_session_variables(lenet):
    figure = formatter.render({"tensor": "loss"}, lenet)
    assert "net.conv1.weight" in figure and "The autograd graph of loss" in figure


def test_the_page_variables_give_the_live_graph_the_blocks_model(lenet):
    """The runner's graph_dot has no `module:` option, only the page's variables: the model it finds there draws
    what a block with `module: net` draws."""
    params = names_from_globals(lenet)
    model = model_from_globals(lenet, grad_graph.build_graph(lenet["loss"], params=params, name="loss"))
    assert model is lenet["net"]
    live = grad_graph.build_graph(lenet["loss"], module=model, params=params, name="loss")
    figure = formatter.render({"tensor": "loss", "module": "net", "clusters": "true", "id": "same"}, lenet)
    dot = html.unescape(re.search(r'data-dot="([^"]*)"', figure)[1])
    assert grad_graph.to_dot(live, graph_id="same", title="The autograd graph of loss", clusters=True) == dot


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tensor": "los"}, "^autograd-graph: tensor: the page's snippets define no variable 'los'"),
        ({"tensor": "input"}, "'input' has no grad_fn"),
        ({"tensor": "loss", "module": "model"}, "no variable 'model'"),
        ({}, "'tensor:' option is required"),
        ({"tensor": "loss", "colour": "red"}, "unknown option"),
        ({"tensor": "loss", "clusters": "maybe"}, "expected true or false"),
        (
            {"tensor": "loss", "highlight": "0 0 0 0"},
            r"^autograd-graph: highlight path step 3: .* is AccumulateGrad \(net\.fc3\.bias\)",
        ),
    ],
)
def test_errors_name_the_problem(lenet, options, message):
    with pytest.raises(ValueError, match=message):
        formatter.render(options, lenet)
