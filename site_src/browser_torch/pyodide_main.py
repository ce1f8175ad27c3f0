"""Runs a file inside Pyodide the way `python FILE ARGS...` runs it: pyodide_run.mjs loads this module there.

Standard library only: this code runs in Pyodide's Python, not in the project's venv.
"""

import os
import sys
import traceback
import types


def run_file(path, argv):
    """Execute path as __main__ with sys.argv = [path, *argv]; print any traceback; return the exit status.

    Each run starts from the interpreter's state before it: the modules it imported (torch included) are
    forgotten afterwards, so the next file gets a fresh torch, seeds and all.
    """
    saved_argv, saved_path, saved_modules = sys.argv, list(sys.path), dict(sys.modules)
    saved_cwd = os.getcwd()
    sys.argv = [path, *argv]
    # CPython names a script by its absolute path (in __file__ and tracebacks) but keeps argv[0] as given.
    path = os.path.abspath(path)
    sys.path.insert(0, os.path.dirname(path))
    main = types.ModuleType("__main__")
    main.__file__ = path
    sys.modules["__main__"] = main
    try:
        with open(path, "rb") as file:
            source = file.read()
        try:
            code = compile(source, path, "exec")
        except SyntaxError as error:
            # As CPython prints it for a script: the line and its caret, no traceback above.
            traceback.print_exception(type(error), error, None)
            return 1
        return _execute(code, main)
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.argv, sys.path[:] = saved_argv, saved_path
        for name in set(sys.modules) - set(saved_modules):
            del sys.modules[name]
        sys.modules.update(saved_modules)
        os.chdir(saved_cwd)


def _execute(code, main):
    try:
        exec(code, main.__dict__)
    except SystemExit as exit:
        return _exit_status(exit.code)
    except BaseException as error:  # the program's own error: print it as CPython would, then exit 1
        # Drop this function's frame so the traceback starts at the file, as for `python FILE`.
        tb = error.__traceback__.tb_next
        refusals = sys.modules.get("torch._unsupported")  # the runtime, if the program imported it
        if refusals is not None:  # a missing API: the traceback ends at the program's line, not inside the runtime
            tb = refusals.user_traceback(error, tb)
        traceback.print_exception(type(error), error, tb)
        return 1
    return 0


def _exit_status(code):
    """What CPython's exit status is for SystemExit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
