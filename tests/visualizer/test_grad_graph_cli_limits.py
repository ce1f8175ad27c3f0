"""grad-graph at the edges (issue 14): a script that ends with sys.exit(), an output path it cannot write, a graph
too large to draw whole, and `dot` given a time limit."""

import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from grad_graph.cli import main

SCRIPT = Path(sys.executable).with_name("grad-graph")


def write(folder, source):
    script = folder / "script.py"
    script.write_text(textwrap.dedent(source))
    return script


LOSS_THEN_EXIT = """\
    import sys
    import torch
    x = torch.ones(3, requires_grad=True)
    loss = (x * 2).sum()
    sys.exit({code})
    """


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed: pip install -e .")
def test_a_script_ending_with_sys_exit_0_is_drawn(tmp_path):
    script = write(tmp_path, LOSS_THEN_EXIT.format(code=0))
    out = tmp_path / "loss.dot"
    done = subprocess.run([SCRIPT, script, "--var", "loss", "-o", out], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"grad-graph: wrote {out}\n"
    assert "MulBackward0" in out.read_text()


def test_a_script_exiting_with_an_error_status_is_drawn_with_a_warning(tmp_path, capsys):
    script = write(tmp_path, LOSS_THEN_EXIT.format(code=3))
    assert main([str(script), "--var", "loss", "-o", str(tmp_path / "loss.dot")]) == 0
    assert "stopped early (it called sys.exit(3)); drawing what it left" in capsys.readouterr().err


def test_a_script_exiting_before_it_defines_the_variable_says_so(tmp_path, capsys):
    script = write(
        tmp_path,
        """\
        import sys
        sys.exit()
        loss = 1
        """,
    )
    assert main([str(script), "--var", "loss", "-o", str(tmp_path / "loss.svg")]) == 2
    err = capsys.readouterr().err
    assert err == f"grad-graph: {script} defines no variable 'loss' (it called sys.exit() first; it defines: sys)\n"
    assert not (tmp_path / "loss.svg").exists()


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("missing/loss.svg", "the folder {tmp}/missing does not exist"),
        ("file.txt/loss.svg", "the folder {tmp}/file.txt does not exist"),
        ("folder", "it is a folder"),
    ],
)
def test_an_output_it_cannot_write_fails_before_the_script_runs(tmp_path, capsys, output, message):
    (tmp_path / "file.txt").write_text("")
    (tmp_path / "folder.svg").mkdir()
    output = output.replace("folder", "folder.svg") if output == "folder" else output
    marker = tmp_path / "ran"
    script = write(tmp_path, f"open({str(marker)!r}, 'w').close()\n")
    assert main([str(script), "--var", "loss", "-o", str(tmp_path / output)]) == 2
    err = capsys.readouterr().err
    assert err == f"grad-graph: cannot write {tmp_path / output}: {message.format(tmp=tmp_path)}\n"
    assert not marker.exists()


LOOP = """\
    import torch
    fc = torch.nn.Linear(4, 4)
    x = torch.ones(2, 4)
    for _ in range({steps}):
        x = torch.relu(fc(x))
    loss = x.sum()
    """


def test_a_large_graph_is_summarised_and_says_so(tmp_path, capsys):
    script = write(tmp_path, LOOP.format(steps=300))
    out = tmp_path / "loss.svg"
    assert main([str(script), "--var", "loss", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("grad-graph: Graph summarised: 903 nodes, showing 15; 296 repeats of ReluBackward0 → ")
    assert "× 296" in out.read_text()


def test_dot_gets_a_time_limit_with_a_clear_message(tmp_path, capsys, monkeypatch):
    # Every one of 1803 nodes drawn, shared weights with 600 long edges: dot needs far more than a second.
    script = write(tmp_path, LOOP.format(steps=600))
    out = tmp_path / "loss.svg"
    monkeypatch.setenv("GRAD_GRAPH_DOT_TIMEOUT", "0.5")
    assert main([str(script), "--var", "loss", "--max-nodes", "0", "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"grad-graph: Graphviz's dot did not finish laying out the graph within 0.5 s: write {tmp_path}/loss.dot "
        "instead, draw fewer nodes (--max-nodes), or allow more time (--timeout)\n"
    )
    assert not out.exists()
    # dot was killed and reaped, not left running (the test process may have other children: a browser)
    assert not [child for child in psutil.Process().children(recursive=True) if child.name() == "dot"]


def test_a_timeout_that_is_not_a_number_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GRAD_GRAPH_DOT_TIMEOUT", "soon")
    script = write(tmp_path, LOSS_THEN_EXIT.format(code=0))
    assert main([str(script), "--var", "loss", "-o", str(tmp_path / "loss.svg")]) == 2
    assert capsys.readouterr().err == "grad-graph: $GRAD_GRAPH_DOT_TIMEOUT is 'soon', not a number of seconds\n"
