"""grad-graph FILE.py --var NAME -o OUT.{svg,dot,png}: runs the script with real PyTorch and draws NAME's graph."""

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grad_graph.cli import main

LENET_SCRIPT = Path(__file__).with_name("lenet_loss.py")

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = Path(sys.executable).with_name("grad-graph")


def leaf_labels(dot_text):
    return {line.split("<B>")[1].split("</B>")[0] for line in dot_text.splitlines() if "<B>" in line}


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed: pip install -e .")
def test_console_script_draws_svg(tmp_path):
    out = tmp_path / "loss.svg"
    done = subprocess.run(
        [SCRIPT, LENET_SCRIPT, "--var", "loss", "-o", out], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    svg = ET.parse(out).getroot()
    assert svg.find(f"{SVG}title").text == "Autograd graph of loss.grad_fn"
    assert "net.fc3.bias" in {t.text for t in svg.iter(f"{SVG}text")}


def test_dot_names_parameters_after_the_module_variable(tmp_path, lenet):
    out = tmp_path / "loss.dot"
    assert main([str(LENET_SCRIPT), "--var", "loss", "-o", str(out)]) == 0
    assert leaf_labels(out.read_text()) == {f"net.{name}" for name, _ in lenet["net"].named_parameters()}
    assert main([str(LENET_SCRIPT), "--var", "loss", "--module", "net", "-o", str(out)]) == 0
    assert leaf_labels(out.read_text()) == {name for name, _ in lenet["net"].named_parameters()}


def test_png_with_clusters_and_highlight(tmp_path):
    out = tmp_path / "loss.png"
    args = [str(LENET_SCRIPT), "--var", "loss", "--module", "net", "--clusters", "--highlight", "0 0", "-o", str(out)]
    assert main(args) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


def test_a_module_held_in_fc_names_fc_weight(tmp_path):
    script = tmp_path / "linear.py"
    script.write_text(
        "import torch\nfc = torch.nn.Linear(3, 2)\nx = torch.ones(4, 3, requires_grad=True)\ny = fc(x).sum()\n"
    )
    out = tmp_path / "y.dot"
    assert main([str(script), "--var", "y", "-o", str(out)]) == 0
    assert leaf_labels(out.read_text()) == {"fc.weight", "fc.bias", "x"}


@pytest.mark.parametrize(
    ("var", "message"),
    [
        ("nothing", "defines no variable 'nothing'"),
        ("net", "'net' is a Net, not a tensor"),
        ("input", "'input' has no grad_fn"),
    ],
)
def test_errors_are_clear(tmp_path, capsys, var, message):
    assert main([str(LENET_SCRIPT), "--var", var, "-o", str(tmp_path / "out.svg")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.svg").exists()


def test_unknown_extension_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([str(LENET_SCRIPT), "--var", "loss", "-o", str(tmp_path / "out.jpg")])
    assert exit_info.value.code == 2
    assert "use .svg, .dot or .png" in capsys.readouterr().err
