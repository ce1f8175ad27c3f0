"""The in-browser runtime's delivery: the `browser-torch` CLI, its wheel and lockfile for Pyodide, and runners
that execute a file against it in CPython or inside Pyodide under Node.js."""

from .build import DISTRIBUTION, build_site_packages, build_wheel

__all__ = ["DISTRIBUTION", "build_site_packages", "build_wheel"]
