"""Layering rules from DESIGN.md, enforced (docs/architecture.md draws them).

engine/ is Django-free; engine/, imports/ and core/ import no domain app; selectors never import
services; views, APIs, commands and template tags build no queries; an app reads another app's
tables only from its selectors; every domain app has the fixed file set.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from django.db import models

SRC = Path(__file__).resolve().parent.parent / "src" / "corridor"


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of the nodes under `if TYPE_CHECKING:` (imports for annotations, never run)."""
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            hidden.update(id(inner) for child in node.body for inner in ast.walk(child))
    return hidden


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    hidden = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
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
        "imports/seam.py",
        "demo/producer.py",
        "demo/generator.py",
        "demo/vocab.py",
        "demo/coords.py",
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
                    "corridor.imports.seam",
                    "corridor.demo.generator",
                    "corridor.demo.vocab",
                    "corridor.demo.coords",
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


def test_views_apis_commands_and_template_tags_do_not_build_queries_or_save() -> None:
    offenders = []
    for pattern in (
        "*/views.py",
        "*/api.py",
        "*/management/commands/*.py",
        "*/templatetags/*.py",
    ):
        for path in sorted(SRC.glob(pattern)):
            offenders += _query_calls(path)
    assert not offenders, offenders


DOMAIN_APPS = (
    "registry",
    "atlas",
    "investment",
    "qualify",
    "accounts",
    "dashboard",
    "parks",
    "academy",
    "demo",
)


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def _app_of(name: str) -> str | None:
    """The corridor app a dotted module name belongs to (None outside corridor's apps)."""
    parts = name.split(".")
    return parts[1] if parts[0] == "corridor" and len(parts) > 1 else None


def test_lower_layers_import_no_domain_app() -> None:
    """engine/ (pure), imports/ (the intake wing) and core/ (shared plumbing) know no domain."""
    offenders = []
    for layer in ("engine", "imports", "core"):
        for path in _modules(SRC / layer):
            for name in _imports(path):
                if _app_of(name) in DOMAIN_APPS:
                    offenders.append(f"{path.relative_to(SRC)}: {name}")
    assert not offenders, offenders


def _imported_names(path: Path) -> list[tuple[str, str | None, int]]:
    """(module, imported name or None, line) of every import, skipping `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for child in node.body for n in ast.walk(child))
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, a.name, node.lineno) for a in node.names]
    return found


def test_selectors_never_import_services() -> None:
    """Reads never depend on writes; rules both need live in their own module (investment/stages.py)."""
    offenders = []
    for path in sorted(SRC.glob("*/selectors.py")) + sorted(SRC.glob("*/selectors/*.py")):
        for module, name, line in _imported_names(path):
            if module.endswith(".services") or name == "services":
                offenders.append(f"{path.relative_to(SRC)}:{line} {module} {name or ''}")
    assert not offenders, offenders


# Modules allowed to read another app's models, each with its reason.
CROSS_APP_MODELS_ALLOWED = {
    # the targeting read model joins registry and atlas rows in bulk (a selector in all but name)
    "investment/candidates.py": "TODO: read NodeLink/Enterprise rows through atlas/registry selectors",
    # classify_registry reads enterprise text in bulk (raw SQL); incremental classification is
    # being rewritten elsewhere, which should take the reads through registry.selectors
    "atlas/services.py": "TODO: enterprise reads for classification through registry.selectors",
    # seed_demo_projects reads Enterprise; it is moving to demo/ (then Enterprise is a type only)
    "investment/services.py": "TODO: drop once seed_demo_projects lives in demo/",
}


# Apps that sit above the domain apps and may read any app's models.
CROSS_APP_MODELS_APPS = {"demo": "demo data seeds every app's tables in bulk"}


def _is_choices(module: str, name: str | None) -> bool:
    """A TextChoices/IntegerChoices enum: vocabulary every app may name, not a table to read."""
    if name is None:
        return False
    value = getattr(importlib.import_module(module), name, None)
    return isinstance(value, type) and issubclass(value, models.Choices)


def test_apps_read_other_apps_tables_only_from_their_selectors() -> None:
    """Outside selectors.py, models.py (foreign keys) and migrations, no module imports another
    app's models; imports.models (the intake wing's tables, shared by design), choices enums and
    type-only imports are fine."""
    offenders = []
    for path in _modules(SRC):
        relative = path.relative_to(SRC).as_posix()
        app = relative.split("/")[0]
        if (
            path.name in ("selectors.py", "models.py")
            or relative in CROSS_APP_MODELS_ALLOWED
            or app in CROSS_APP_MODELS_APPS
        ):
            continue
        for module, name, line in _imported_names(path):
            other = _app_of(module)
            if other in (None, app, "imports"):
                continue
            if module == f"corridor.{other}.models" and not _is_choices(module, name):
                offenders.append(f"{relative}:{line} {module}.{name}")
            elif module == f"corridor.{other}" and name == "models":
                offenders.append(f"{relative}:{line} {module}.models")
    assert not offenders, offenders


def test_allow_lists_name_existing_files() -> None:
    assert all((SRC / relative).is_file() for relative in CROSS_APP_MODELS_ALLOWED)


FIXED_FILES = (
    "apps.py",
    "models.py",
    "services.py",
    "selectors.py",
    "views.py",
    "api.py",
    "urls.py",
    "admin.py",
    "permissions.py",
)
# Apps that do not need every file, and why.
NOT_NEEDED = {
    "dashboard": {
        "services.py": "reads only: it writes nothing",
        "api.py": "no API yet: the dashboard is a page",
        "admin.py": "its one model only carries the view permission",
    },
    "parks": {f: "stub: models only, the module is not built" for f in FIXED_FILES[2:]},
    "academy": {f: "stub: models only, the module is not built" for f in FIXED_FILES[2:]},
}


def test_every_domain_app_has_the_fixed_files() -> None:
    missing = []
    for app in (
        "registry",
        "atlas",
        "investment",
        "qualify",
        "accounts",
        "dashboard",
        "parks",
        "academy",
    ):
        for name in FIXED_FILES:
            if name not in NOT_NEEDED.get(app, {}) and not (SRC / app / name).is_file():
                missing.append(f"{app}/{name}")
    assert not missing, missing


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
