"""corridor serve: serve the app and run the job worker beside it; print the URL and demo logins.

Development (default): Django's development server. `--production`: gunicorn with one process per
core (2 × cores + 1, at most 8; --workers or CORRIDOR_WEB_WORKERS to choose), static files collected
and served compressed by WhiteNoise, under CORRIDOR_ENV=production (set by `corridor serve
--production` itself; CORRIDOR_SECRET_KEY must be set). Either way a `corridor worker` process runs
the queued jobs (imports, classification runs) unless --no-worker says one runs as its own service;
Ctrl-C (or SIGTERM) stops both.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from corridor.accounts.selectors import existing_usernames
from corridor.demo.builder import DEMO_PASSWORD, DEMO_USERS

MAX_WEB_WORKERS = 8  # each process holds its own caches; more than this buys nothing on one machine


def default_web_workers(cores: int | None = None) -> int:
    """2 × cores + 1 (gunicorn's rule for sync workers), capped; CORRIDOR_WEB_WORKERS overrides."""
    configured = os.environ.get("CORRIDOR_WEB_WORKERS")
    if configured:
        return max(1, int(configured))
    cores = cores or os.cpu_count() or 1
    return min(MAX_WEB_WORKERS, 2 * cores + 1)


def _static_is_current() -> bool:
    """Whether STATIC_ROOT's manifest lists every static source file and is newer than each.

    Both tests are needed: files unpacked from npm keep their package's old mtimes, so a vendor
    file added after the last collect is only noticed by its absence from the manifest.
    """
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        built = manifest.stat().st_mtime
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("paths", {})
    except (OSError, ValueError):
        return False
    for path, source in _static_sources():
        if path not in listed or source.stat().st_mtime > built:
            return False
    return True


def _static_sources() -> Iterator[tuple[str, Path]]:
    """(name as collected, e.g. vendor/htmx/htmx.min.js; file it comes from) for every static file."""
    from django.contrib.staticfiles import finders

    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            prefix = getattr(storage, "prefix", None)  # STATICFILES_DIRS given as (prefix, dir)
            yield (f"{prefix}/{path}" if prefix else path), Path(storage.path(path))


class Command(BaseCommand):
    help = "Serve Corridor with its job worker (development server, or gunicorn with --production)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT to listen on")
        parser.add_argument(
            "--production", action="store_true", help="gunicorn under CORRIDOR_ENV=production"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="web processes (production; default 2×cores+1)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a job worker (one runs as its own service: corridor worker)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["production"] and not settings.PRODUCTION:
            raise CommandError(
                "--production needs CORRIDOR_ENV=production (corridor serve sets it)"
            )
        worker = None if opts["no_worker"] else self._start_worker()
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop like Ctrl-C: the worker too
        try:
            if opts["production"]:
                self._serve_production(opts)
            else:
                self._banner(opts["addr"], worker is not None)
                # WhiteNoise serves the source folders here (finders) but warns on every start
                # when STATIC_ROOT does not exist yet; `make demo` should print nothing alarming.
                Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
                call_command("runserver", opts["addr"], use_reloader=False)
        finally:
            if worker is not None:
                _stop_worker(worker, self.stdout)

    def _banner(self, addr: str, worker: bool, extra: str = "") -> None:
        self.stdout.write(f"\nCorridor is at http://{addr}/{extra}\n")
        if worker:
            self.stdout.write("job worker started (imports and classification runs)")
        present = existing_usernames([u for u, _ in DEMO_USERS])
        if present:
            self.stdout.write(f"demo logins (password for all: {DEMO_PASSWORD}):")
            for username, role in DEMO_USERS:
                if username in present:
                    self.stdout.write(f"  {username:10s} {role.label}")
        self.stdout.write("")

    def _start_worker(self) -> subprocess.Popen[bytes]:
        # Its own session: a Ctrl-C meant for the server does not reach it; _stop asks it once.
        return subprocess.Popen(
            [sys.executable, "-m", "corridor", "worker"], start_new_session=True
        )

    def _serve_production(self, opts: dict[str, Any]) -> None:
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            self.stderr.write(
                "note: the database is SQLite; set CORRIDOR_DATABASE_URL=postgres://… for PostgreSQL"
            )
        if not _static_is_current():
            self.stdout.write("collecting static files …")
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = opts["workers"] or default_web_workers()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "corridor.wsgi:application",
            "--bind",
            opts["addr"],
            "--workers",
            str(workers),
            "--timeout",
            "300",  # a large upload or export takes a while; jobs themselves run in the worker
            "--access-logfile",
            "-",
        ]
        cert, key = os.environ.get("CORRIDOR_TLS_CERT"), os.environ.get("CORRIDOR_TLS_KEY")
        if cert and key:
            command += ["--certfile", cert, "--keyfile", key]
        scheme = "https" if cert and key else "http"
        self._banner(opts["addr"], not opts["no_worker"], f" ({workers} web processes)")
        if scheme == "http" and not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
            self.stderr.write(
                "note: production redirects HTTP to HTTPS: put a TLS proxy in front "
                "(CORRIDOR_BEHIND_TLS_PROXY=1) or set CORRIDOR_TLS_CERT and CORRIDOR_TLS_KEY"
            )
        server = subprocess.Popen(command)
        previous = signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            server.wait()
        except KeyboardInterrupt:
            server.wait()  # gunicorn got the same Ctrl-C and shuts down its workers
        finally:
            signal.signal(signal.SIGTERM, previous)
            _stop(server)


def _stop_worker(worker: subprocess.Popen[bytes], out: Any) -> None:
    """Ask the worker to stop: it finishes the job it runs (an import is not cut short) unless
    Ctrl-C is pressed again, which stops it now (that import is then marked failed, nothing written)."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=2)
    except subprocess.TimeoutExpired:
        out.write("waiting for the worker to finish its current job (Ctrl-C again stops it now) …")
        try:
            worker.wait()
        except KeyboardInterrupt:
            worker.kill()
            worker.wait()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a child to stop (it finishes its current job or request), then make sure it did."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
