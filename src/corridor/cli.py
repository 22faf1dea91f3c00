"""The `corridor` command: Django management commands under short domain verbs."""

from __future__ import annotations

import os
import sys

ALIASES = {
    "serve": "serve",
    "worker": "worker",
    "demo": "demo",
    "import": "import_file",
    "export": "export_data",
    "createuser": "createuser",
    "token": "issue_token",
    "classify": "classify",
    "atlas": "atlas",
    "investment": "investment",
    "import-projects": "import_projects",
    "import-enterprises": "import_data",
    "qualify-registry": "qualify_registry",
}
# Verbs that run without Django (no settings, no database): module with a main(argv).
PURE = {"qualify": "corridor.engine.qualify.command"}


def main(argv: list[str] | None = None) -> None:
    """Run `corridor VERB [args]`; any other Django command name works too."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in PURE:
        import importlib

        importlib.import_module(PURE[args[1]]).main(args[2:])
        return
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    if len(args) > 1 and args[1] == "serve" and "--production" in args:
        os.environ["CORRIDOR_ENV"] = "production"  # before the settings are read
    if len(args) == 1 or args[1] in ("-h", "--help"):
        print(
            "usage: corridor VERB [options]\n\nverbs: "
            + ", ".join([*ALIASES, *PURE])
            + ", or any Django command (migrate, …)"
        )
        if len(args) == 1:
            return
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
