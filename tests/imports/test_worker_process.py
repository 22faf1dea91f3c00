"""The production server and the job worker as real processes, on a SQLite file of their own.

An import is posted through the web (upload → validate → apply) to `corridor serve --production`
(gunicorn, CORRIDOR_ENV=production behind a TLS proxy) and applied by `corridor worker`:
- the web server is killed and restarted while the job runs, and the import still finishes;
- the worker is killed (SIGKILL) while the job runs: the import is marked failed with a reason, the
  page stops polling, nothing was written, revert is refused, and applying again works.

The deadlines below are safety nets against a hung process, never assertions on speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.factories import valid_uscc
from tests.registry.files import write_csv

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    """A port no one listens on now, so parallel checkouts and test runs do not collide."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = int(os.environ.get("CORRIDOR_TEST_PROCESS_PORT") or _free_port())
BASE = f"http://127.0.0.1:{PORT}"
ROWS = 30_000  # several progress reports (every 5,000 rows) before the job ends
SAFETY = 300.0  # seconds: only for a process that hangs
MAPPING = {
    f"col_{i}": f
    for i, f in enumerate(["name", "uscc", "address", "year", "revenue", "employees", "rd_expense"])
}


def _until(what: str, check: Callable[[], Any], deadline: float = SAFETY) -> Any:
    """Poll check() until it returns something truthy; fail (not hang) if it never does."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


class Instance:
    """One Corridor instance: its own var/ folder and SQLite file, run as `python -m corridor …`."""

    def __init__(self, root: Path) -> None:
        self.var = root / "var"
        # Collected static files are kept between runs (collectstatic takes ~30 s), per checkout.
        static = Path(tempfile.gettempdir()) / (
            "corridor-test-static-" + hashlib.sha256(str(REPO).encode()).hexdigest()[:12]
        )
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CORRIDOR_") or k == "CORRIDOR_NODE_MODULES"
        }
        self.env |= {
            "PYTHONPATH": str(REPO / "src"),
            "DJANGO_SETTINGS_MODULE": "corridor.settings",
            "CORRIDOR_HOME": str(REPO),
            "CORRIDOR_VAR_DIR": str(self.var),
            "CORRIDOR_STATIC_ROOT": str(static),
            "CORRIDOR_SECRET_KEY": "test-" + hashlib.sha256(str(root).encode()).hexdigest(),
            "CORRIDOR_ENV": "production",
            "CORRIDOR_BEHIND_TLS_PROXY": "1",
            "CORRIDOR_WEB_WORKERS": "2",
        }
        if PG_URL:  # `make test-pg`: the instance runs on a PostgreSQL database of its own
            self.env["CORRIDOR_DATABASE_URL"] = _fresh_pg_database()
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def run(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "corridor", *args], env=self.env, check=True, timeout=SAFETY
        )

    def _start(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "corridor", *args],
            env=self.env,
            start_new_session=True,  # its own process group: killed with its children
        )

    def start_server(self) -> None:
        self.server = self._start("serve", "--production", "--no-worker", "--addr", BASE[7:])
        _until("the web server", self._up)

    def _up(self) -> bool:
        assert self.server is not None and self.server.poll() is None, "the server exited"
        with contextlib.suppress(requests.ConnectionError):
            return requests.get(f"{BASE}/accounts/login/", headers=PROXY, timeout=30).ok
        return False

    def kill_server(self) -> None:
        assert self.server is not None
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait()

    def start_worker(self) -> None:
        self.worker = self._start("worker", "--verbosity", "0")

    def stop(self) -> None:
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGCONT)
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the instance's database directly (SQLite in WAL mode: readable while the worker writes)."""
        if PG_URL:
            import psycopg

            with psycopg.connect(self.env["CORRIDOR_DATABASE_URL"], autocommit=True) as db:
                return db.execute(sql.replace("?", "%s"), params or None).fetchall()  # type: ignore[arg-type]
        with contextlib.closing(sqlite3.connect(self.var / "corridor.sqlite3", timeout=60)) as db:
            return db.execute(sql, params).fetchall()

    def progress(self, batch: int) -> dict[str, Any] | None:
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
            return json.loads((self.var / "progress" / f"import-{batch}.json").read_text())
        return None

    def status(self, batch: int) -> str:
        return self.query("SELECT status FROM registry_importbatch WHERE id = ?", batch)[0][0]


PG_URL = os.environ.get("CORRIDOR_TEST_DATABASE_URL", "")
PG_NAME = os.environ.get("CORRIDOR_TEST_DB_NAME", "test_corridor") + "_processes"


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as db:
        db.execute(statement)  # type: ignore[arg-type]


def _fresh_pg_database() -> str:
    _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    _pg_admin(f'CREATE DATABASE "{PG_NAME}"')
    return PG_URL.rsplit("/", 1)[0] + "/" + PG_NAME


PROXY = {"X-Forwarded-Proto": "https"}  # what the TLS proxy in front of production sets


class Browser:
    """A signed-in browser: keeps its cookies (Secure ones too: the proxy speaks HTTPS for it)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**PROXY, "Origin": f"https://127.0.0.1:{PORT}", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            kwargs["data"] = {**kwargs.get("data", {}), "csrfmiddlewaretoken": self.csrf}
        response = requests.request(
            method, BASE + path, headers=headers, allow_redirects=False, timeout=SAFETY, **kwargs
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    @property
    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def sign_in(self, username: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        response = self.request(
            "POST", "/accounts/login/", data={"username": username, "password": password}
        )
        assert response.status_code == 302, response.text[:500]
        assert "sessionid" in self.cookies

    def upload_and_validate(self, path: Path) -> int:
        with path.open("rb") as handle:
            response = self.request(
                "POST", "/imports/enterprises/upload/", files={"file": (path.name, handle)}
            )
        assert response.status_code == 302, response.text[:500]
        batch = int(re.search(r"/imports/batch/(\d+)/", response.headers["Location"])[1])  # type: ignore[index]
        page = self.request("GET", f"/imports/batch/{batch}/")
        assert page.status_code == 200 and 'name="col_0"' in page.text  # the preview and mapping
        validated = self.request(
            "POST", f"/imports/batch/{batch}/validate/", data={**MAPPING, "money_unit": "1"}
        )
        assert validated.status_code == 302
        return batch

    def apply(self, batch: int) -> None:
        response = self.request(
            "POST", f"/imports/batch/{batch}/apply/", data={"mode": "valid_rows"}
        )
        assert response.status_code == 302


def _rows(first: int, count: int) -> list[list[object]]:
    return [
        [
            f"进程测试{first + i:06d}有限公司",
            valid_uscc(first + i),
            "浙江省金华市婺城区宾虹西路1号",
            2024,
            "1200",
            35,
            "60",
        ]
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def instance() -> Iterator[Instance]:
    with tempfile.TemporaryDirectory(prefix="corridor-processes-") as root:
        corridor = Instance(Path(root))
        corridor.run("migrate", "--verbosity", "0")  # the one set-up command (cache table too)
        corridor.run(
            "createuser", "officer", "--role", "administrator", "--password", "pw-Corridor-1"
        )
        try:
            corridor.start_server()
            yield corridor
        finally:
            corridor.stop()
            if PG_URL:
                _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def _mid_job(instance: Instance, batch: int) -> None:
    """Wait until the worker has applied some rows of the batch but not all."""
    _until(
        "the worker to start applying",
        lambda: (instance.progress(batch) or {}).get("done", 0) > 0,
    )


def test_an_import_survives_a_restart_of_the_web_server(instance: Instance, tmp_path: Path) -> None:
    instance.start_worker()
    browser = Browser()
    browser.sign_in("officer", "pw-Corridor-1")
    batch = browser.upload_and_validate(write_csv(tmp_path / "big.csv", _rows(600_000, ROWS)))
    browser.apply(batch)
    _mid_job(instance, batch)
    assert instance.worker is not None
    os.kill(
        instance.worker.pid, signal.SIGSTOP
    )  # hold the job where it is while the server restarts
    try:
        assert instance.status(batch) == "applying"
        instance.kill_server()
        instance.start_server()
        page = browser.request("GET", f"/imports/batch/{batch}/")  # the session outlived the server
        assert page.status_code == 200
        assert f'hx-get="/imports/batch/{batch}/progress/"' in page.text  # still applying, polled
    finally:
        os.kill(instance.worker.pid, signal.SIGCONT)
    _until(
        "the import to finish",
        lambda: "HX-Refresh" in browser.request("GET", f"/imports/batch/{batch}/progress/").headers,
    )
    assert instance.status(batch) == "applied"
    page = browser.request("GET", f"/imports/batch/{batch}/").text
    assert "hx-get" not in page.split('id="import-progress"')[1].split(">")[0]
    created = instance.query(
        "SELECT COUNT(*) FROM registry_enterprise WHERE name LIKE '进程测试6%'"
    )[0][0]
    assert created == ROWS
    instance.worker.terminate()
    instance.worker.wait()


def test_an_import_whose_worker_is_killed_is_marked_failed_and_can_be_applied_again(
    instance: Instance, tmp_path: Path
) -> None:
    instance.start_worker()
    browser = Browser()
    browser.sign_in("officer", "pw-Corridor-1")
    batch = browser.upload_and_validate(write_csv(tmp_path / "killed.csv", _rows(700_000, ROWS)))
    browser.apply(batch)
    _mid_job(instance, batch)
    assert instance.worker is not None
    os.kill(instance.worker.pid, signal.SIGKILL)
    instance.worker.wait()
    assert instance.status(batch) == "applying"  # what the dead worker left behind
    progress = browser.request("GET", f"/imports/batch/{batch}/progress/")
    assert progress.headers.get("HX-Refresh") == "true"  # the page stops polling and reloads
    assert instance.status(batch) == "failed"
    page = browser.request("GET", f"/imports/batch/{batch}/").text
    assert "stopped before finishing" in page and "worker process stopped" in page
    assert f'hx-get="/imports/batch/{batch}/progress/"' not in page
    written = "SELECT COUNT(*) FROM registry_enterprise WHERE name LIKE '进程测试7%'"
    assert instance.query(written)[0][0] == 0  # the apply is one transaction: nothing half-written
    refused = browser.request("POST", f"/imports/batch/{batch}/revert/")
    assert refused.status_code == 409 and instance.status(batch) == "failed"

    instance.start_worker()  # applying again (a new worker) finishes the import
    browser.apply(batch)
    _until(
        "the import to finish",
        lambda: instance.status(batch) != "applying" and instance.status(batch),
    )
    assert instance.status(batch) == "applied"
    assert instance.query(written)[0][0] == ROWS
    instance.worker.terminate()
    instance.worker.wait()
