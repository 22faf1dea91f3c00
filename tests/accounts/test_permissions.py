"""Permissions are named once per app (<app>/permissions.py) and every name is real and used."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from corridor.accounts.roles import ROLE_PERMISSIONS

SRC = Path(__file__).resolve().parents[2] / "src" / "corridor"
APPS_WITH_PERMISSIONS = ("registry", "atlas", "investment", "qualify", "dashboard", "accounts")
LITERAL_ALLOWED: set[str] = set()  # no module spells a permission itself

pytestmark = pytest.mark.django_db


def _constants() -> dict[str, str]:
    """Every permission constant, as "app.NAME" → "app_label.codename"."""
    out = {}
    for app in APPS_WITH_PERMISSIONS:
        module = importlib.import_module(f"corridor.{app}.permissions")
        for name in dir(module):
            if name.isupper():
                out[f"{app}.{name}"] = getattr(module, name)
    return out


def _existing() -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }


def test_every_permission_constant_and_role_permission_exists() -> None:
    existing = _existing()
    constants = _constants()
    assert constants
    assert sorted(v for v in constants.values() if v not in existing) == []
    in_roles = {p for perms in ROLE_PERMISSIONS.values() for p in perms}
    assert sorted(in_roles - existing) == []
    assert in_roles <= set(constants.values())  # roles use the constants, not their own spelling


def _source_files() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def test_every_constant_is_used_outside_its_module() -> None:
    used: set[str] = set()
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.alias):
                used.add(node.name)
    unused = [key for key in _constants() if key.split(".")[1] not in used]
    assert unused == []


def test_no_module_spells_a_permission_name_itself() -> None:
    existing = _existing()
    offenders = []
    for path in _source_files():
        relative = path.relative_to(SRC).as_posix()
        if path.name == "permissions.py" or relative in LITERAL_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in existing:
                offenders.append(f"{relative}:{node.lineno} {node.value}")
    assert offenders == []
