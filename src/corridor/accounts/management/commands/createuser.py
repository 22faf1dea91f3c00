"""corridor createuser NAME --role ROLE: create a user with one role."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from corridor.accounts import services
from corridor.accounts.roles import Role
from corridor.errors import DomainError


class Command(BaseCommand):
    help = "Create a user holding one role."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, required=True)
        parser.add_argument("--password", default=None, help="prompted when omitted")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        password = opts["password"] or getpass.getpass("Password: ")
        try:
            services.create_user(opts["username"], password, opts["role"], email=opts["email"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"created {opts['username']} ({opts['role']})")
