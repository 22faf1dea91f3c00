"""Run by test_hostile_corpus in a fresh interpreter: every corpus file through both importers.

python -m tests.registry.hostile_run DIR OUT.json imports each file in DIR through the registry
services (upload -> inspect -> validate -> apply) and as projects (upload -> validate only), and writes
what happened to each, with this process's peak memory and its reading children's, to OUT.json.
CORRIDOR_VAR_DIR must name an empty directory: the database is migrated there first.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")


def _peak_mb() -> int:
    """This process's own resident peak (VmHWM; ru_maxrss would include the forking parent's)."""
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1]) // 1024


def _registry(path: Path, user: Any) -> dict[str, Any]:
    from corridor.errors import DomainError
    from corridor.imports import services as importing

    try:
        batch = importing.receive_path(path, user)
        importing.inspect_batch(batch)
        importing.validate_batch(batch)
        batch = importing.apply_batch(batch, user)
    except DomainError as exc:
        return {"code": exc.details.get("code", exc.code), "message": exc.message}
    return {"status": batch.status, "rows": batch.rows_total, "created": batch.created_count}


def _investment(path: Path, user: Any) -> dict[str, Any]:
    from corridor.errors import DomainError
    from corridor.imports import services as importing

    try:
        batch = importing.receive_path(path, user, "projects")
        batch = importing.validate_batch(batch, actor=user)
    except DomainError as exc:
        return {"code": exc.details.get("code", exc.code), "message": exc.message}
    return {"rows": batch.rows_total}


def main(directory: Path, out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from corridor.accounts.services import create_user

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    admin = create_user("root", "pw-Corridor-1", "administrator")
    analyst = create_user("ana", "pw-Corridor-1", "investment_analyst")
    results: dict[str, Any] = {}
    with translation.override("en"):
        for path in sorted(directory.iterdir()):
            results[path.name] = {
                "registry": _registry(path, admin),
                "investment": _investment(path, analyst),
            }
    results["_peak_mb"] = {
        "self": _peak_mb(),
        "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
    }
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
