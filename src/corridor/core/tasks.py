"""Long work: run now (tests, CLI) or in a background thread of the web process (pages poll progress)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections


def run_task(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run fn inline when CORRIDOR_TASKS_INLINE is set, otherwise in a daemon thread."""
    if getattr(settings, "CORRIDOR_TASKS_INLINE", False):
        fn(*args, **kwargs)
        return

    def _target() -> None:
        try:
            fn(*args, **kwargs)
        finally:
            connections.close_all()  # the thread's own connections

    thread = threading.Thread(target=_target, daemon=True, name=f"corridor-task-{fn.__name__}")
    _STARTED.append(thread)
    thread.start()


_STARTED: list[threading.Thread] = []


def wait_for_tasks() -> int:
    """Wait for the background tasks this process started (a command's, before it exits); how many."""
    waited = 0
    while _STARTED:
        thread = _STARTED.pop()
        if thread.is_alive():
            thread.join()
            waited += 1
    return waited


def _progress_path(key: str) -> Path:
    directory = Path(settings.VAR_DIR) / "progress"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{key}.json"


def write_progress(key: str, done: int, total: int, message: str = "") -> None:
    """Publish progress outside any database transaction, so other processes can read it mid-import."""
    path = _progress_path(key)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total, "message": message}))
    os.replace(tmp, path)


def read_progress(key: str) -> dict[str, Any] | None:
    """The last published progress of a task, or None."""
    try:
        return json.loads(_progress_path(key).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def clear_progress(key: str) -> None:
    """Forget a finished task's progress."""
    _progress_path(key).unlink(missing_ok=True)
