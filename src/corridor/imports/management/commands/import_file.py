"""corridor import FILE [--kind enterprises|projects]: upload, validate and apply a file, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from corridor.core.tasks import inline
from corridor.errors import DomainError
from corridor.imports import selectors, services
from corridor.imports.models import ImportBatch, ImportMode
from corridor.imports.seam import kinds


class Command(BaseCommand):
    help = (
        "Import a spreadsheet (XLSX/XLS/CSV) of a kind: enterprises (upsert by USCC) or projects."
    )
    default_kind = "enterprises"

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=kinds(), default=self.default_kind)
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
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="the year of the figures when the file names none",
        )
        parser.add_argument(
            "--no-follow-up",
            action="store_true",
            help="skip the work after the import (classifying enterprises onto the atlas); run "
            "`corridor atlas classify` afterwards",
        )
        parser.add_argument("--user", default=None, help="attribute the import to this username")
        parser.add_argument("--sheet", default=None, help="the sheet to read (default: the first)")
        parser.add_argument(
            "--show-issues", type=int, default=20, help="print at most this many issues"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = self._actor(opts["user"])
        batch: ImportBatch | None = None
        try:
            options = {
                "accept_warnings": opts["accept_warnings"],
                "money_unit": opts["money_unit"],
                "year": opts["year"],
            }
            batch = services.receive_path(
                path, actor, opts["kind"], options=options, sheet=opts["sheet"]
            )
            # Follow-up work (classifying onto the atlas) runs here too: the command ends when done.
            with (
                inline(),
                tqdm(
                    desc="rows", unit=" rows", unit_scale=True, disable=opts["verbosity"] == 0
                ) as bar,
            ):

                def progress(done: int) -> None:
                    bar.update(done - bar.n)

                if opts["dry_run"]:
                    batch = services.validate_batch(batch, progress=progress, actor=actor)
                else:
                    batch = services.apply_batch(
                        batch,
                        actor,
                        mode=opts["mode"],
                        progress=progress,
                        follow_up=not opts["no_follow_up"],
                    )
        except DomainError as exc:
            self._print_issues(batch, opts["show_issues"])
            raise CommandError(exc.message) from exc
        self._report(batch, opts)

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        actor = selectors.active_user(username)
        if actor is None:
            raise CommandError(f"no such active user: {username}")
        return actor

    def _report(self, batch: ImportBatch, opts: dict[str, Any]) -> None:
        self.stdout.write(
            f"import #{batch.pk} ({batch.kind}) {batch.status}: {batch.rows_total} rows read, "
            f"{batch.rows_valid} valid, {batch.rows_error} with errors, {batch.rows_warning} with "
            f"warnings, {batch.rows_skipped} skipped; {batch.created_count} created, "
            f"{batch.updated_count} updated, {batch.facts_written} details written"
        )
        earlier = list(selectors.earlier_imports(batch).values_list("pk", flat=True)[:5])
        if earlier:
            self.stdout.write(
                "  the same file (same SHA-256) was uploaded before as import "
                + ", ".join(f"#{pk}" for pk in earlier)
            )
        self._print_issues(batch, opts["show_issues"])

    def _print_issues(self, batch: ImportBatch | None, limit: int) -> None:
        if batch is None or limit <= 0:
            return
        for issue in selectors.import_issues(batch)[:limit]:
            self.stdout.write(
                f"  row {issue.row} [{issue.column}] {issue.value!r}: {issue.reason} ({issue.severity})"
            )
