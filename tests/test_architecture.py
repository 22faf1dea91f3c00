"""Layering rules from DESIGN.md, enforced: engine/ is Django-free; views and APIs build no queries."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "corridor"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_engine_imports_nothing_from_django_or_apps() -> None:
    offenders = []
    for path in sorted((SRC / "engine").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] == "django" or (
                name.startswith("corridor.") and not name.startswith("corridor.engine")
            ):
                offenders.append(f"{path.name}: {name}")
    assert not offenders, offenders


def test_child_process_modules_import_nothing_from_django() -> None:
    """What runs in an import's child process (spawned: a fresh interpreter) must not need Django."""
    child_side = (
        "core/pipeline.py",
        "core/reading.py",
        "registry/parsing.py",
        "registry/columns.py",
    )
    offenders = []
    for relative in child_side:
        for name in _imports(SRC / relative):
            allowed = name.startswith(
                (
                    "corridor.engine",
                    "corridor.core.pipeline",
                    "corridor.core.reading",
                    "corridor.registry.columns",
                )
            )
            if name.split(".")[0] == "django" or (name.startswith("corridor.") and not allowed):
                offenders.append(f"{relative}: {name}")
    assert not offenders, offenders


def _query_calls(path: Path) -> list[str]:
    """Calls of .objects, .filter(), .save() and friends in a module."""
    banned_attrs = {"objects", "all_objects"}
    banned_calls = {
        "save",
        "filter",
        "exclude",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "raw",
        "delete",
    }
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in banned_attrs:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
        is_router = (
            isinstance(node, ast.Call)
            and isinstance(getattr(node.func, "value", None), ast.Name)
            and node.func.value.id == "router"
        )  # @router.delete(...) declares a route, it deletes nothing
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in banned_calls
            and not is_router
        ):
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    return found


def test_views_and_apis_do_not_build_queries_or_save() -> None:
    offenders = []
    for pattern in ("*/views.py", "*/api.py"):
        for path in sorted(SRC.glob(pattern)):
            offenders += _query_calls(path)
    assert not offenders, offenders


def test_the_registry_imports_no_app_that_follows_it() -> None:
    """Registry changes reach the atlas (and later apps) through registry/signals.py, not imports."""
    followers = {"atlas", "investment", "qualify", "academy", "dashboard", "demo"}
    offenders = [
        f"{path.name}: {name}"
        for path in sorted((SRC / "registry").rglob("*.py"))
        for name in _imports(path)
        if name.startswith("corridor.") and name.split(".")[1] in followers
    ]
    assert not offenders, offenders
