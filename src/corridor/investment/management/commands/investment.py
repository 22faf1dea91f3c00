"""corridor investment digest: the daily digest of overdue and stale projects, per owner."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from corridor.investment import selectors


class Command(BaseCommand):
    help = "Investment pipeline: print the daily digest of overdue and stale projects per owner."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("digest", help="overdue and stale projects, grouped by owner")

    def handle(self, *args: Any, **opts: Any) -> None:
        digest = selectors.digest()
        if not digest:
            self.stdout.write(_("No overdue or stale projects."))
            return
        for owner, items in digest.items():
            self.stdout.write(f"== {owner.get_username()} {owner.email}")
            for p in items["overdue"]:
                self.stdout.write(
                    "  "
                    + _("OVERDUE %(name)s: follow-up was due %(date)s — %(step)s")
                    % {"name": p.name, "date": p.next_follow_up, "step": p.next_step or "—"}
                )
            for p in items["stale"]:
                self.stdout.write(
                    "  "
                    + _("NO ACTIVITY (level %(level)d) %(name)s: last activity %(date)s")
                    % {
                        "level": selectors.stale_level(p),
                        "name": p.name,
                        "date": p.last_activity_at.date(),
                    }
                )
