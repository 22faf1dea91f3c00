"""corridor token USER NAME: issue an API token for a user and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from corridor.accounts import selectors, services


class Command(BaseCommand):
    help = "Issue an API token."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("name")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = selectors.user_named(opts["username"])
        if user is None:
            raise CommandError(f"no such user: {opts['username']}")
        self.stdout.write(services.issue_token(user, opts["name"]))
