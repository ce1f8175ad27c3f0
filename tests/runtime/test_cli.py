"""`browser-torch run FILE` in CPython and with --pyodide behaves like `python FILE`: output, exit status,
tracebacks (file names and line numbers), sys.argv; and `import torch` gives the in-browser runtime."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BROWSER_TORCH = Path(sys.executable).with_name("browser-torch")
RUNTIME = Path(__file__).resolve().parents[2] / "site_src" / "runtime" / "torch"
FRAME = re.compile(r'File "(.+)", line (\d+), in (\S+)')

modes = pytest.mark.parametrize("mode", ["cpython", pytest.param("pyodide", marks=pytest.mark.pyodide)])


def browser_torch_run(mode, folder, *args):
    options = ["--pyodide"] if mode == "pyodide" else []
    command = [str(BROWSER_TORCH), "run", *options, *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def python_run(folder, *args):
    """Plain CPython on the same file: what browser-torch must reproduce (these programs don't import torch)."""
    return subprocess.run([sys.executable, *args], cwd=folder, capture_output=True, text=True, timeout=300)


def write(folder, name, source):
    (folder / name).write_text(textwrap.dedent(source))
    return name


@modes
def test_output_argv_exit_status_and_torch_is_the_runtime(mode, tmp_path):
    program = write(
        tmp_path,
        "program.py",
        """\
        import sys
        import torch
        print("argv", sys.argv)
        print("torch", torch.__file__)
        print("no newline at the end", end="")
        sys.exit(int(sys.argv[1]))
        """,
    )
    done = browser_torch_run(mode, tmp_path, program, "3", "--flag")
    assert done.returncode == 3, done.stderr
    argv_line, torch_line, last = done.stdout.split("\n")
    assert argv_line == "argv ['program.py', '3', '--flag']"
    torch_file = Path(torch_line.removeprefix("torch "))
    if mode == "cpython":
        assert torch_file == RUNTIME / "__init__.py"
    else:
        assert torch_file.parts[-3:] == ("site-packages", "torch", "__init__.py")
    assert last == "no newline at the end"


@modes
def test_uncaught_error_prints_the_traceback_of_the_file_and_exits_1(mode, tmp_path):
    write(
        tmp_path,
        "helper.py",
        """\
        def divide(a, b):
            return a / b
        """,
    )
    program = write(
        tmp_path,
        "program.py",
        """\
        from helper import divide

        def mean(values):
            return divide(sum(values), len(values))

        print("before")
        mean([])
        """,
    )
    done = browser_torch_run(mode, tmp_path, program)
    want = python_run(tmp_path, program)
    assert done.returncode == want.returncode == 1
    assert done.stdout == want.stdout == "before\n"
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert FRAME.findall(done.stderr) == FRAME.findall(want.stderr)
    assert done.stderr.splitlines()[-1] == want.stderr.splitlines()[-1] == "ZeroDivisionError: division by zero"


@modes
def test_syntax_error_names_the_file_and_line(mode, tmp_path):
    program = write(
        tmp_path,
        "program.py",
        """\
        print("never runs")
        x = (1,
        """,
    )
    done = browser_torch_run(mode, tmp_path, program)
    want = python_run(tmp_path, program)
    assert done.returncode == want.returncode == 1
    assert done.stdout == ""
    location = re.compile(r'File "(.+)", line (\d+)')
    assert location.findall(done.stderr) == location.findall(want.stderr)
    assert done.stderr.splitlines()[-1] == want.stderr.splitlines()[-1]


@modes
def test_sys_exit_with_a_message_prints_it_and_exits_1(mode, tmp_path):
    program = write(
        tmp_path,
        "program.py",
        """\
        import sys
        sys.exit("bad input")
        """,
    )
    done = browser_torch_run(mode, tmp_path, program)
    assert (done.returncode, done.stderr) == (1, "bad input\n")


def test_missing_file_exits_2(tmp_path):
    done = browser_torch_run("cpython", tmp_path, "nowhere.py")
    assert done.returncode == 2
    assert "nowhere.py" in done.stderr


@pytest.mark.pyodide
def test_refusals_in_pyodide_name_the_api_from_the_programs_line(tmp_path):
    """Under Python 3.14 a refusal carries no "Did you mean" for another API, its traceback ends at the program's
    line, and `import numpy` says in one sentence why there is none."""
    program = write(
        tmp_path,
        "program.py",
        """\
        import torch
        try:
            torch.stft
        except NotImplementedError as error:
            print(error)
        import numpy
        """,
    )
    done = browser_torch_run("pyodide", tmp_path, program)
    assert done.returncode == 1
    assert done.stdout == "torch.stft is not available in the in-browser runtime; run this snippet locally\n"
    frames = FRAME.findall(done.stderr)
    assert [(Path(file).name, line) for file, line, _ in frames] == [("program.py", "6")], done.stderr
    assert done.stderr.rstrip().endswith(
        "ModuleNotFoundError: NumPy is not available in the in-browser runtime (this site's Pyodide has no NumPy "
        "build); run this snippet locally"
    )
