"""House rules checked mechanically."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

STREAMLIT_ALLOWED = {"dashboard", "pages", "tests", "bench"}
LIBRARY_PACKAGES = ["analysis", "data_access", "ingest", "forecasting", "alerts"]


def _python_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in {".venv", "build"}:
            yield relative, path


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_dashboard_and_pages_import_streamlit():
    offenders = [
        str(rel)
        for rel, path in _python_files()
        if rel.parts[0] not in STREAMLIT_ALLOWED and "streamlit" in _imports(path)
    ]
    assert offenders == []


def test_library_code_does_not_import_the_app():
    offenders = [
        str(rel)
        for rel, path in _python_files()
        if rel.parts[0] in LIBRARY_PACKAGES and _imports(path) & {"dashboard", "pages"}
    ]
    assert offenders == []


def test_no_print_in_library_code():
    offenders = []
    for rel, path in _python_files():
        if rel.parts[0] in LIBRARY_PACKAGES:
            tree = ast.parse(path.read_text())
            offenders += [
                f"{rel}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print"
            ]
    assert offenders == []
