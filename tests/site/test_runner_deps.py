"""Every npm package the runner's sources import is declared in package.json.

esbuild resolves whatever node_modules holds, so an import of a package that is only there as another package's
dependency (@codemirror/state under codemirror) bundles today and breaks when that package changes its own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "site_src" / "runner" / "src").glob("*.js"))

# import x from "p"; import { a,\n b } from "p"; import "p"; export { a } from "p"; import("p")
STATIC_IMPORT = re.compile(r"^\s*(?:import|export)\b[^;\"'`]*?\bfrom\s*[\"']([^\"']+)[\"']", re.M)
SIDE_EFFECT_IMPORT = re.compile(r"^\s*import\s*[\"']([^\"']+)[\"']", re.M)
DYNAMIC_IMPORT = re.compile(r"\bimport\(\s*[\"']([^\"']+)[\"']\s*\)")


def specifiers(source: str) -> set[str]:
    return {m[1] for pattern in (STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT) for m in pattern.finditer(source)}


def package_of(specifier: str) -> str | None:
    """The npm package a bare specifier names ("@codemirror/view", "pyodide"); None for a relative path or URL."""
    if specifier.startswith((".", "/")) or re.match(r"[a-z][a-z0-9+.-]*:", specifier):
        return None
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def declared() -> set[str]:
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return set(manifest.get("dependencies", {})) | set(manifest.get("devDependencies", {}))


def test_specifier_patterns():
    source = (
        'import { a,\n  b } from "@scope/one/sub.js";\nimport two from \'two\';\nimport "three/x";\n'
        'export { c } from "./local.js";\nconst m = await import("four");\n// import nothing from "five"\n'
        'run("import sys; import nn_page_session");\n'
    )
    assert {package_of(s) for s in specifiers(source)} - {None} == {"@scope/one", "two", "three", "four"}


def test_sources_found():
    assert any(path.name == "editor.js" for path in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_imported_packages_are_declared(path):
    imported = {package_of(s) for s in specifiers(path.read_text(encoding="utf-8"))} - {None}
    missing = sorted(imported - declared())
    assert not missing, f"{path.name} imports {missing}, which package.json does not declare"
