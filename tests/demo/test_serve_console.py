"""`corridor serve` (what `make demo` runs) keeps its console clean: no warnings, no tracebacks.

A fresh instance (its own var/ folder, nothing collected into STATIC_ROOT yet) is served by the
development server; a page, an unknown URL and a refused permission are requested, then the
console output is read. WhiteNoise warned "No directory at: …/static/" on every start before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.imports.test_worker_process import REPO, _free_port

pytestmark = pytest.mark.processes

SAFETY = 120.0  # seconds: only for a server that never comes up


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORRIDOR_")}
    env |= {
        "PYTHONPATH": str(REPO / "src"),
        "DJANGO_SETTINGS_MODULE": "corridor.settings",
        "CORRIDOR_HOME": str(REPO),
        "CORRIDOR_VAR_DIR": str(var),
    }
    if os.environ.get("CORRIDOR_NODE_MODULES"):
        env["CORRIDOR_NODE_MODULES"] = os.environ["CORRIDOR_NODE_MODULES"]
    return env


def test_dev_server_console_has_no_warnings_or_tracebacks(tmp_path: Path) -> None:
    env = _env(tmp_path / "var")
    subprocess.run(
        [sys.executable, "-m", "corridor", "migrate", "--verbosity", "0"],
        env=env,
        check=True,
        timeout=SAFETY * 3,
    )
    port = _free_port()
    log = tmp_path / "console.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "corridor",
                "serve",
                "--no-worker",
                "--addr",
                f"127.0.0.1:{port}",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            end = time.monotonic() + SAFETY
            while True:
                assert server.poll() is None, log.read_text()
                with contextlib.suppress(requests.ConnectionError):
                    if requests.get(f"{base}/accounts/login/", timeout=30).ok:
                        break
                assert time.monotonic() < end, "the server never answered"
                time.sleep(0.3)
            assert requests.get(f"{base}/static/corridor/app.css", timeout=30).ok
            assert requests.get(f"{base}/no-such-page/", timeout=30).status_code == 404
            assert requests.get(f"{base}/api/v1/registry/enterprises", timeout=30).status_code in (
                401,
                403,
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=SAFETY)
    console = log.read_text()
    assert "Corridor is at" in console
    assert "Warning" not in console and "Traceback" not in console, console
