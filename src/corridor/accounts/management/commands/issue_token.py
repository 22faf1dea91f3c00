"""corridor token USER NAME [--days N] [--read-only]: issue an API token and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from corridor.accounts import selectors, services
from corridor.accounts.models import TOKEN_DAYS_DEFAULT
from corridor.errors import ValidationFailed


class Command(BaseCommand):
    help = "Issue an API token."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("name")
        parser.add_argument(
            "--days", type=int, default=TOKEN_DAYS_DEFAULT, help="days until it expires (90)"
        )
        parser.add_argument("--read-only", action="store_true", help="it may only read")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = selectors.user_named(opts["username"])
        if user is None:
            raise CommandError(f"no such user: {opts['username']}")
        try:
            raw = services.issue_token(user, opts["name"], opts["days"], opts["read_only"])
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
