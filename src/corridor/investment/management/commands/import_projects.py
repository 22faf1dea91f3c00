"""corridor import_projects FILE: create investment projects from XLSX/XLS/CSV, stage rules enforced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from corridor.errors import DomainError
from corridor.investment import importing


class Command(BaseCommand):
    help = (
        "Import investment projects from XLSX/XLS/CSV: each row is opened and moved to its stage "
        "with the same rules as the board."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)
        parser.add_argument("--mode", choices=importing.MODES, default=importing.VALID_ROWS)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate every row; change nothing"
        )
        parser.add_argument(
            "--user", default=None, help="the importing user (default owner of the projects)"
        )
        parser.add_argument("--sheet", default=None, help="the sheet to read (default: the first)")
        parser.add_argument(
            "--show-issues", type=int, default=20, help="print at most this many issues"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["user"]:
            raise CommandError(_("Name the importing user with --user; projects need an owner."))
        try:
            user = importing.importing_user(opts["user"])
            with tqdm(desc="rows", unit=" rows", disable=opts["verbosity"] == 0) as bar:
                report = importing.import_projects(
                    opts["file"],
                    user,
                    mode=opts["mode"],
                    dry_run=opts["dry_run"],
                    sheet=opts["sheet"],
                    progress=lambda done: bar.update(done - bar.n),
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(report.message)
        for issue in report.issues[: max(0, opts["show_issues"])]:
            self.stdout.write(
                f"  {issue.row} [{issue.column}] {issue.value!r}: {issue.message} ({issue.severity})"
            )
        hidden = len(report.issues) - max(0, opts["show_issues"])
        if hidden > 0:
            self.stdout.write("  " + _("… and %(n)d more issues.") % {"n": hidden})
        if not report.applied and not report.dry_run:
            raise CommandError(_("Nothing was imported."))
