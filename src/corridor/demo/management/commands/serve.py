"""corridor serve: serve the app on http://127.0.0.1:8000 and print the URL and demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from corridor.accounts.selectors import existing_usernames
from corridor.demo.builder import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Serve Corridor (development server) and print the URL and demo logins."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"\nCorridor is at http://{opts['addr']}/\n")
        present = existing_usernames([u for u, _ in DEMO_USERS])
        if present:
            self.stdout.write(f"demo logins (password for all: {DEMO_PASSWORD}):")
            for username, role in DEMO_USERS:
                if username in present:
                    self.stdout.write(f"  {username:10s} {role.label}")
        self.stdout.write("")
        call_command("runserver", opts["addr"], use_reloader=False)
