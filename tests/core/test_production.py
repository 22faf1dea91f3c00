"""Production mode and set-up as an operator meets them: `check --deploy` clean, `migrate` alone
makes a working instance, the web process count follows the cores."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from corridor.demo.management.commands.serve import default_web_workers

SRC = Path(__file__).resolve().parents[2] / "src"


def _env(var: Path, **extra: str) -> dict[str, str]:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is theirs, not a deployment's: leave it out.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CORRIDOR_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return env | {
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "corridor.settings",
        "CORRIDOR_VAR_DIR": str(var),
        **extra,
    }


def _corridor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "corridor", *args], env=env, capture_output=True, text=True
    )


PRODUCTION = {
    "CORRIDOR_ENV": "production",
    "CORRIDOR_SECRET_KEY": "k7Qm2vX9pL4sT8wZ1nB6yR3cF5hJ0dG-aE_uK2iO7eW4qS9tY1xV6mN3bP8zC5lH",
}


@pytest.mark.parametrize("proxy", ["0", "1"])
def test_production_passes_check_deploy_with_no_warning(tmp_path: Path, proxy: str) -> None:
    env = _env(tmp_path, **PRODUCTION, CORRIDOR_BEHIND_TLS_PROXY=proxy)
    result = _corridor(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_development_settings_do_not_pass_check_deploy(tmp_path: Path) -> None:
    """The test above can fail: outside production the deploy check does warn."""
    result = _corridor(_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr


def test_migrate_alone_makes_an_instance_whose_sign_in_works(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _corridor(env, "migrate", "--verbosity", "0").returncode == 0
    created = _corridor(
        env, "createuser", "leader", "--role", "leader", "--password", "pw-Corridor-1"
    )
    assert created.returncode == 0, created.stderr
    sign_in = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "wrong = c.post('/accounts/login/', {'username': 'leader', 'password': 'nope'})\n"
        "right = c.post('/accounts/login/', {'username': 'leader', 'password': 'pw-Corridor-1'})\n"
        "print(wrong.status_code, right.status_code, c.get('/').status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", sign_in], env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["200", "302", "200"], result.stdout + result.stderr[-2000:]


def test_web_processes_follow_the_cores_capped_and_overridable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CORRIDOR_WEB_WORKERS", raising=False)
    assert default_web_workers(1) == 3
    assert default_web_workers(2) == 5
    assert default_web_workers(64) == 8
    monkeypatch.setenv("CORRIDOR_WEB_WORKERS", "12")
    assert default_web_workers(2) == 12


def test_static_files_are_recollected_when_a_source_is_missing_from_the_manifest(
    settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """npm unpacks vendor files with old mtimes: a newer manifest without them is still stale."""
    import json

    from corridor.demo.management.commands.serve import _static_is_current, _static_sources

    settings.STATIC_ROOT = str(tmp_path)
    sources = sorted(name for name, _ in _static_sources())
    manifest = tmp_path / "staticfiles.json"
    assert not _static_is_current()  # nothing collected
    manifest.write_text(json.dumps({"paths": {p: p for p in sources}}), encoding="utf-8")
    assert _static_is_current()
    vendor = next(p for p in sources if p.startswith("vendor/htmx/"))
    listed = {p: p for p in sources if p != vendor}
    manifest.write_text(json.dumps({"paths": listed}), encoding="utf-8")
    assert not _static_is_current()
    manifest.write_text("{not json", encoding="utf-8")
    assert not _static_is_current()
