"""`browser-torch run` ended by a signal ends the program it runs (python, or node under --pyodide) too, rather
than leaving it looping at 100 % CPU (issue 14)."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

BROWSER_TORCH = Path(sys.executable).with_name("browser-torch")
LOOP = 'print("looping", flush=True)\nwhile True:\n    pass\n'

modes = pytest.mark.parametrize("mode", ["cpython", pytest.param("pyodide", marks=pytest.mark.pyodide)])


def start_looping(mode, folder):
    """browser-torch running a program that loops forever, once the program has started; and its child."""
    (folder / "loop.py").write_text(LOOP)
    options = ["--pyodide"] if mode == "pyodide" else []
    parent = subprocess.Popen(
        [str(BROWSER_TORCH), "run", *options, "loop.py"],
        cwd=folder,
        stdout=subprocess.PIPE,
        text=True,
        # As from a terminal: under `nohup pytest` SIGHUP would be ignored, and the program would rightly keep it so.
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )
    assert parent.stdout.readline() == "looping\n"  # Pyodide has booted, the loop runs
    [child] = psutil.Process(parent.pid).children()
    return parent, child


def gone(process: psutil.Process, timeout: float = 10) -> bool:
    """Whether process ends within timeout. A zombie has ended: once its parent is gone, reaping it is up to
    whatever adopted it (in a container, a PID 1 that may never do so)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


@modes
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_browser_torch_ends_the_program_it_runs(mode, signal_number, tmp_path):
    parent, child = start_looping(mode, tmp_path)
    try:
        parent.send_signal(signal_number)
        assert parent.wait(timeout=10) == 128 + signal_number  # as a shell reports the child's end
        assert gone(child)
    finally:
        if child.is_running():
            child.kill()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_even_sigkill_to_browser_torch_ends_the_program(tmp_path):
    parent, child = start_looping("cpython", tmp_path)
    try:
        started = time.monotonic()
        parent.kill()
        parent.wait(timeout=10)
        assert gone(child)
        assert time.monotonic() - started < 10
    finally:
        if child.is_running():
            child.kill()
