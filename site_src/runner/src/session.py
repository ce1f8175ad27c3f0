"""Page sessions inside the worker's Pyodide: one interpreter per tab, one fresh namespace per page.

As in the build (tutorial_site/session.py), a page's cells run in order in a new `__main__` namespace, and the
snippet modules a page imports (lenet.py) are imported afresh for it; `torch` stays imported across pages, as
it does in the build's one process (the tutorial's snippets seed the generator themselves).
"""

import ast
import builtins
import importlib
import linecache
import os
import sys
import traceback
import zipimport
from importlib.machinery import PathFinder

WORKDIR = "/home/pyodide/page"


def _forget_page_modules():
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(WORKDIR + "/"):
            del sys.modules[name]


class PageSession:
    def __init__(self, modules: dict[str, str]):
        _forget_page_modules()
        # Files from an earlier page must not shadow this page's imports.
        os.makedirs(WORKDIR, exist_ok=True)
        for old in os.listdir(WORKDIR):
            os.remove(os.path.join(WORKDIR, old))
        for filename, source in modules.items():
            with open(os.path.join(WORKDIR, filename), "w") as f:
                f.write(source)
        if WORKDIR not in sys.path:
            sys.path.insert(0, WORKDIR)
        os.chdir(WORKDIR)
        importlib.invalidate_caches()
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.graphable = {}  # cell number -> (label, tensor) whose autograd graph "Show graph" draws

    def run(self, cell: int, code: str, modules: dict[str, str] | None = None) -> tuple[bool, str | None, str | None]:
        """Run one cell. `cell` counts from 1, as the page shows it.

        modules: the page modules (lenet.py) as the page's editors show them; one the reader edited is rewritten
        and imported afresh by the next cell that imports it, so an edit to the definition reaches its users.

        Returns (finished without an exception, label of a tensor with a grad_fn this cell produced: its last
        expression, else the last such variable it assigned, or None; the traceback of the reader's code when it
        raised, or None).
        """
        filename = f"<cell {cell}>"
        # linecache lets tracebacks quote the edited lines, as they would from a file.
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        self.graphable.pop(cell, None)
        for module, source in (modules or {}).items():
            self._write_module(module, source)
        try:
            tree = ast.parse(code, filename)
            # Keep the last expression's value (it is never printed: the build shows stdout only).
            last = ast.Expression(tree.body.pop().value) if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, filename, "exec"), self.namespace)
            value = eval(compile(last, filename, "eval"), self.namespace) if last else None
        except BaseException as exc:  # the reader's code may raise anything, KeyboardInterrupt included
            _explain_missing_package(exc)
            return False, None, user_traceback(exc)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        target = _graph_target(tree, value, last, self.namespace)
        if target:
            self.graphable[cell] = target
        return True, target[0] if target else None, None

    @staticmethod
    def _write_module(filename: str, code: str):
        path = os.path.join(WORKDIR, filename)
        with open(path) as f:
            if f.read() == code:
                return  # unchanged: the imported module stays
        with open(path, "w") as f:
            f.write(code)
        sys.modules.pop(filename.removesuffix(".py"), None)
        importlib.invalidate_caches()  # the file changed within the finder's mtime granularity

    def graph_dot(self, cell: int, options: dict[str, str] | None = None) -> str:
        """DOT of the autograd graph behind the tensor cell `cell` produced, drawn as the page's diagrams are: leaves
        named after the page's variables, the model's parameters by their own names, boxed by module.

        options: the page's autograd-graph block after this cell, as the build read it (formatters/graph.py
        live_options): when it draws the same tensor, its module, clusters and highlighted walk are used, so the live
        graph matches the diagram.
        """
        import grad_graph  # the build's visualizer, unpacked from grad_graph.zip on first use
        from grad_graph.names import model_from_globals, names_from_globals

        label, tensor = self.graphable[cell]
        options = options if options and options.get("tensor") == label else {}
        params = names_from_globals(self.namespace)
        name = label if label.isidentifier() else None
        model = self.namespace.get(options["module"]) if options.get("module") else None
        if model is None:
            # A page's diagram names its model (`module: net`); else the model is the variable most leaves belong to.
            model = model_from_globals(self.namespace, grad_graph.build_graph(tensor, params=params, name=name))
        graph = grad_graph.build_graph(tensor, module=model, params=params, name=name)
        clusters = options.get("clusters", True)  # no diagram to follow: box the modules, as the page's diagrams do
        highlight = options.get("highlight", ())
        return grad_graph.to_dot(graph, graph_id=f"cell{cell}-graph", clusters=clusters, highlight=highlight)


class StdlibRest:
    """The standard library's modules the site leaves out of the boot (browser_torch/stdlib.py), fetched on the
    first import of one: the boot's zip lists them in stdlib-rest.txt, and this finder, last on sys.meta_path,
    answers for those names only, from Pyodide's full python_stdlib.zip downloaded into the file system then.
    Any other name still fails at once as missing.

    The download is synchronous (the import statement cannot wait otherwise); in a worker that blocks only the
    worker, and the service worker serves the zip from its offline copy once the site is stored.
    """

    FULL = "/lib/python_stdlib.zip"

    def __init__(self, url: str, names: frozenset[str], downloading):
        self.url, self.names, self.downloading = url, names, downloading

    @classmethod
    def install(cls, url: str, downloading):
        """Add the finder, if this Python booted from the session's part of the standard library.
        downloading(bool): called as the download starts and ends, so the page can say why the cell waits."""
        stdlib = "/lib/python%d%d.zip" % sys.version_info[:2]
        try:
            listed = zipimport.zipimporter(stdlib).get_data("stdlib-rest.txt").decode()
        except (OSError, zipimport.ZipImportError):
            return  # the full standard library: nothing left out
        sys.meta_path.append(cls(url, frozenset(listed.split()), downloading))

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.names:
            return None
        if not os.path.exists(self.FULL):
            self.downloading(True)
            try:
                self._download()
            finally:
                self.downloading(False)
        package = fullname.rpartition(".")[0]
        return PathFinder.find_spec(fullname, [os.path.join(self.FULL, *package.split(".")) if package else self.FULL])

    def _download(self):
        from js import XMLHttpRequest

        request = XMLHttpRequest.new()
        request.open("GET", self.url, False)
        request.responseType = "arraybuffer"
        try:
            request.send()
        except Exception as error:  # a JavaScript NetworkError: offline before the site was stored
            raise ImportError(f"could not download the rest of Python's standard library: {error}") from None
        if request.status != 200:
            raise ImportError(f"could not download the rest of Python's standard library (HTTP {request.status})")
        with open(self.FULL + ".part", "wb") as file:
            file.write(request.response.to_bytes())
        os.replace(self.FULL + ".part", self.FULL)


def _has_grad_fn(value) -> bool:
    return getattr(value, "grad_fn", None) is not None and hasattr(value, "backward")


def _graph_target(tree, value, last, namespace):
    if last is not None and _has_grad_fn(value):
        return ast.unparse(last.body), value
    assigned = [
        node.id
        for stmt in tree.body
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign))
        for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
        for node in ast.walk(target)
        if isinstance(node, ast.Name)
    ]
    for name in reversed(assigned):
        if _has_grad_fn(namespace.get(name)):
            return name, namespace[name]
    return None


def _explain_missing_package(exc: BaseException):
    """`import numpy` (or any package but torch): say what the browser has and where the full one is."""
    top = (getattr(exc, "name", None) or "").partition(".")[0]
    if isinstance(exc, ModuleNotFoundError) and top and top != "torch" and str(exc).startswith("No module named"):
        exc.add_note(
            f"The Python in your browser has torch (a subset) and Python's standard library, not {top}. "
            "To run this with full PyTorch and any package, use Download .ipynb or .py above."
        )


def _is_readers(filename: str) -> bool:
    """A frame of the reader's code: a cell, or a page module such as lenet.py (which a cell may have edited)."""
    return filename.startswith("<cell ") or filename.startswith(WORKDIR + "/")


def user_traceback(exc: BaseException) -> str:
    """The traceback as Python prints it, with the reader's frames only: the frames of this module, of the
    in-browser torch and of Python's own library are not the reader's code, and they are not on the page.
    Chained exceptions (raise ... from ..., an error while handling another) are filtered alike."""
    report = traceback.TracebackException.from_exception(exc)
    seen = set()
    pending = [report]
    while pending:
        part = pending.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        part.stack = traceback.StackSummary.from_list([f for f in part.stack if _is_readers(f.filename)])
        pending.extend(p for p in (part.__cause__, part.__context__) if p is not None)
    # With no frame left (a SyntaxError from the parser), Python prints the error alone, without "Traceback".
    return "".join(report.format())
