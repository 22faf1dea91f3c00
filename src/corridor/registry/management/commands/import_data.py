"""corridor import FILE: upload, validate and apply an enterprise file, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from corridor.accounts.selectors import user_named
from corridor.errors import DomainError
from corridor.imports.models import ImportMode
from corridor.registry import importing


class Command(BaseCommand):
    help = "Import enterprises and yearly facts from XLSX/CSV (upsert by USCC)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.VALID_ROWS)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; change nothing"
        )
        parser.add_argument(
            "--accept-warnings", action="store_true", help="accept USCCs failing the checksum"
        )
        parser.add_argument(
            "--money-unit",
            default="1",
            help="万元 per unit for money columns without a unit (元 = 0.0001)",
        )
        parser.add_argument("--user", default=None, help="attribute the import to this username")
        parser.add_argument("--sheet", default=None)
        parser.add_argument(
            "--show-issues", type=int, default=20, help="print at most this many issues"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = user_named(opts["user"]) if opts["user"] else None
        if opts["user"] and actor is None:
            raise CommandError(f"no such user: {opts['user']}")
        try:
            options = {"accept_warnings": opts["accept_warnings"], "money_unit": opts["money_unit"]}
            batch = importing.receive_path(path, actor, options=options, sheet=opts["sheet"])
            with tqdm(
                desc="rows", unit=" rows", unit_scale=True, disable=opts["verbosity"] == 0
            ) as bar:

                def progress(done: int) -> None:
                    bar.update(done - bar.n)

                if opts["dry_run"]:
                    batch = importing.validate_batch(batch, progress=progress)
                else:
                    batch = importing.apply_batch(
                        batch, actor, mode=opts["mode"], progress=progress
                    )
        except DomainError as exc:
            self._print_issues(locals().get("batch"), opts["show_issues"])
            raise CommandError(exc.message) from exc
        self._report(batch, opts)

    def _report(self, batch, opts) -> None:  # type: ignore[no-untyped-def]
        self.stdout.write(
            f"import #{batch.pk} {batch.status}: {batch.rows_total} rows read, {batch.rows_valid} valid, "
            f"{batch.rows_error} with errors, {batch.rows_warning} with warnings, {batch.rows_skipped} skipped; "
            f"{batch.created_count} created, {batch.updated_count} updated, {batch.facts_written} yearly facts"
        )
        self._print_issues(batch, opts["show_issues"])

    def _print_issues(self, batch, limit: int) -> None:  # type: ignore[no-untyped-def]
        if batch is None or limit <= 0:
            return
        for issue in batch.issues.all()[:limit]:
            self.stdout.write(
                f"  row {issue.row} [{issue.column}] {issue.value!r}: {issue.reason} ({issue.severity})"
            )
