"""corridor worker: run queued jobs (imports, classification runs) until stopped.

django-tasks-db's db_worker, with what Corridor needs around it: a worker id that names the host and
process, a lock file held for the worker's life (so pages can tell a dead worker's job from a
running one), jobs of workers that died marked failed at start, and no autoreload by default.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from corridor.core import tasks


class Command(db_worker.Command):
    help = "Run queued jobs (imports, classification runs); Ctrl-C stops after the current job."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False, worker_id=None, startup_delay=False)

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options.pop("worker_id") or tasks.new_worker_id()
        with tasks.worker_lease(worker_id):
            reaped = tasks.reap_lost_tasks()
            if reaped and options["verbosity"]:
                self.stdout.write(f"marked {reaped} job(s) of stopped workers failed")
            super().handle(*args, worker_id=worker_id, **options)
