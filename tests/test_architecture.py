"""House rules checked mechanically: which room may import which (docs/architecture.md)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

LIBRARY_PACKAGES = ["access", "analysis", "data_access", "ingest", "forecasting", "alerts"]
PROJECT = {*LIBRARY_PACKAGES, "dashboard", "pages"}
# the rooms each room may import (itself always); a room not named here may import any
# room but the ones FORBIDDEN names for it
MAY_IMPORT = {
    "access": set(),
    "analysis": set(),
    "data_access": {"access", "analysis"},
    "ingest": {"analysis", "data_access"},
    "forecasting": {"analysis", "data_access"},
    "alerts": {"access", "analysis", "data_access", "forecasting"},
    "dashboard.charts": {"analysis", "dashboard.i18n"},
    "dashboard.i18n": set(),
    "dashboard.changes": {"access", "analysis", "data_access", "ingest"},
    "pages": {"dashboard.web", "dashboard.charts", "dashboard.i18n"},
}
FACES = {"pages", "dashboard.web", "dashboard.app", "dashboard.server"}  # Streamlit's rooms
FORBIDDEN = {  # nothing below the face reaches up into it
    room: FACES | {"dashboard.cli"}
    for room in ("dashboard.cli", "dashboard.worker", "dashboard.report", "dashboard.communities")
}
PAGE_LIBRARIES = {"streamlit", "pandas"}  # besides the standard library


def _python_files() -> Iterator[tuple[Path, Path]]:
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in {".venv", "build", "tests", "bench", "scripts"}:
            yield relative, path


def room_of(relative: Path) -> str:
    """`dashboard/web/auth.py` -> 'dashboard.web'; `dashboard/app.py` -> 'dashboard.app';
    `data_access/db.py` -> 'data_access'."""
    parts = relative.with_suffix("").parts
    if parts[0] == "dashboard" and len(parts) > 1:
        return f"dashboard.{parts[1]}"
    return parts[0]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _imported_rooms(path: Path) -> set[str]:
    rooms = set()
    for module in _imported_modules(path):
        parts = module.split(".")
        if parts[0] not in PROJECT:
            continue
        if parts[0] == "dashboard" and len(parts) > 1:
            rooms.add(f"dashboard.{parts[1]}")
        elif parts[0] != "dashboard":
            rooms.add(parts[0])
    return rooms


def _imports(path: Path) -> set[str]:
    return {module.split(".")[0] for module in _imported_modules(path)}


def test_room_of_names_the_package_or_the_dashboard_room():
    assert room_of(Path("dashboard/web/auth.py")) == "dashboard.web"
    assert room_of(Path("dashboard/app.py")) == "dashboard.app"
    assert room_of(Path("data_access/migrations/env.py")) == "data_access"


def test_each_room_imports_only_the_rooms_below_it():
    offenders = []
    for relative, path in _python_files():
        room = room_of(relative)
        imported = _imported_rooms(path) - {room}
        if room in MAY_IMPORT:
            allowed = MAY_IMPORT[room]
            offenders += [f"{relative} -> {r}" for r in sorted(imported - allowed)]
        offenders += [f"{relative} -> {r}" for r in sorted(imported & FORBIDDEN.get(room, set()))]
    assert offenders == []


def test_pages_use_only_the_face_streamlit_pandas_and_the_standard_library():
    offenders = []
    for relative, path in _python_files():
        if room_of(relative) != "pages":
            continue
        for top in _imports(path) - PROJECT - PAGE_LIBRARIES:
            if top not in sys.stdlib_module_names:
                offenders.append(f"{relative} imports {top}")
    assert offenders == []


def test_only_the_face_imports_streamlit():
    offenders = [
        str(relative)
        for relative, path in _python_files()
        if room_of(relative) not in FACES and "streamlit" in _imports(path)
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
