"""`browser-torch`: run a file against the in-browser runtime, or package that runtime for Pyodide.

browser-torch run FILE [ARGS...]            in CPython, `import torch` giving the runtime
browser-torch run --pyodide FILE [ARGS...]  inside real Pyodide under Node.js, the runtime from its wheel
browser-torch wheel -o DIR                  the runtime's wheel
browser-torch wheel -o DIR --lockfile       ... plus Pyodide's pyodide-lock.json with the wheel registered
"""

import argparse
import sys
from pathlib import Path

from . import build, runners


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="browser-torch", description=__doc__.split("\n")[0].strip("`: "))
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run a Python file with `torch` being the in-browser runtime")
    run.add_argument("--pyodide", action="store_true", help="inside Pyodide under Node.js instead of CPython")
    run.add_argument("file", type=Path)
    run.add_argument("args", nargs=argparse.REMAINDER, help="passed to the file as sys.argv[1:]")

    wheel = commands.add_parser("wheel", help="build the runtime's wheel for Pyodide")
    wheel.add_argument("-o", "--output", type=Path, required=True, help="folder to write into")
    wheel.add_argument("--lockfile", action="store_true", help="also write pyodide-lock.json registering the wheel")

    options = parser.parse_args(argv)
    if options.command == "run":
        if not options.file.is_file():
            # What CPython says for a missing script, with its exit status.
            print(f"browser-torch: can't open file {str(options.file)!r}: no such file", file=sys.stderr)
            return 2
        runner = runners.run_in_pyodide if options.pyodide else runners.run_in_cpython
        return runner(options.file, options.args)
    if options.lockfile:
        print(build.build_site_packages(options.output))
    else:
        print(build.build_wheel(options.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
