"""corridor qualify-registry [--as-of YYYY-MM-DD] [--all]: evaluate the registry under every policy
in force, storing evaluations only where an enterprise's inputs or the policy version changed."""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from corridor.qualify import services


class Command(BaseCommand):
    help = __doc__.split("\n")[0]

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as-of", help="evaluation day YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--all",
            action="store_true",
            help="write a new evaluation for every enterprise, even where nothing changed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of: expected YYYY-MM-DD, got {options['as_of']!r}") from None
        services.sync_shipped_policies()
        bar = tqdm(desc="qualify", unit="enterprise", file=sys.stderr, disable=None)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        started = time.perf_counter()
        totals = services.evaluate_enterprises(None, on, progress, force=options["all"])
        bar.close()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{totals['enterprises']} enterprises on {on.isoformat()}: "
            f"{totals['written']} evaluations written, {totals['unchanged']} unchanged, "
            f"{totals['unreadable']} unreadable, in {seconds:.1f} s"
        )
