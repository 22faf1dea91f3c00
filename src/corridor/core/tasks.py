"""Long work: run now (tests, CLI) or on the task queue, run by `corridor worker` (pages poll progress).

The one seam every app enqueues through. The queue is django-tasks (the backport of Django 6's
django.tasks) with its database backend (django-tasks-db): jobs are rows in the project's own
database, so SQLite needs no extra server and PostgreSQL in production needs nothing else either.
A job outlives the web process that queued it; a worker process runs it.

A worker holds an exclusive lock on a file under VAR_DIR/workers for its whole life; the operating
system drops that lock when the process dies, even by SIGKILL. A job the queue says is running on a
worker whose lock is free is *lost*: `task_state` reports it, `reap_lost_tasks` marks it failed, and
the owner of the job (e.g. an import) turns that into its own failed state with a reason.
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import TaskContext

_CURRENT_TASK: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "corridor_task", default=None
)


def _dotted(fn: Callable[..., Any]) -> str:
    path = f"{fn.__module__}.{fn.__qualname__}"
    if "<" in path:  # a lambda or a nested function cannot be found again by another process
        raise ValueError(f"{path} is not a module-level function; the worker cannot import it")
    return path


@task(takes_context=True)
def call(context: TaskContext, target: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """The queue's one task: import `target` (module.function) and call it with the arguments."""
    token = _CURRENT_TASK.set(str(context.task_result.id))
    try:
        import_string(target)(*args, **kwargs)
    finally:
        _CURRENT_TASK.reset(token)


def run_task(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    """Run fn now when CORRIDOR_TASKS_INLINE is set (returns None), else queue it (returns the job id).

    fn must be a module-level function and its arguments plain JSON values (ids, not objects): a
    worker process runs it later. Queued inside a transaction, the job becomes visible to workers
    when that transaction commits.
    """
    if getattr(settings, "CORRIDOR_TASKS_INLINE", False) or _INLINE.get():
        fn(*args, **kwargs)
        return None
    result = call.enqueue(_dotted(fn), list(args), kwargs)
    return str(result.id)


def queue_once(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    """Queue fn for the worker unless the same call already waits in the queue; the job's id.

    For work that only refreshes what later requests would otherwise build themselves (warming a
    cache after a data change): a burst of changes queues one job, since a job not yet started
    reads the data as they are when it runs. A job already running may have read the data before
    the latest change, so it does not count. With CORRIDOR_TASKS_INLINE (no worker: tests, a
    single-process set-up) nothing is queued and None is returned: the requests build as before.
    """
    if getattr(settings, "CORRIDOR_TASKS_INLINE", False):
        return None
    from django_tasks_db.models import DBTaskResult

    target, values = _dotted(fn), [list(args), kwargs]
    waiting = DBTaskResult.objects.filter(status="READY", args_kwargs__args__0=target)
    for pk, stored in waiting.values_list("pk", "args_kwargs"):
        if stored.get("args", [None])[1:] == values:
            return str(pk)
    result = call.enqueue(target, list(args), kwargs)
    return str(result.id)


def current_task_id() -> str | None:
    """The id of the queued job running now in this worker, or None (inline, web, CLI)."""
    return _CURRENT_TASK.get()


_INLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("corridor_inline", default=False)


@contextlib.contextmanager
def inline() -> Iterator[None]:
    """Run the work queued inside the block now, in this process (a CLI command that waits)."""
    token = _INLINE.set(True)
    try:
        yield
    finally:
        _INLINE.reset(token)


# -- job state ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskState:
    """What became of a queued job: queued, running, done, failed or lost (its worker died)."""

    status: str  # queued | running | done | failed | lost | unknown
    reason: str = ""

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "lost", "unknown")


def task_state(task_id: str) -> TaskState:
    """The state of a queued job; a running job whose worker is dead is 'lost'."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.filter(pk=task_id).values("status", "worker_ids").first()
    if row is None:
        return TaskState("unknown", "the job is not in the queue")
    status = row["status"]
    if status == "READY":
        return TaskState("queued")
    if status == "SUCCESSFUL":
        return TaskState("done")
    if status == "FAILED":
        return TaskState("failed", "the job failed in the worker")
    workers = row["worker_ids"] or []
    if workers and not worker_alive(workers[-1]):
        return TaskState("lost", "the worker running the job stopped")
    return TaskState("running")


class WorkerLost(Exception):
    """Recorded on a job whose worker died while running it."""


def reap_lost_tasks() -> int:
    """Mark failed every running job whose worker is dead (a worker does this when it starts)."""
    from django_tasks_db.models import DBTaskResult

    reaped = 0
    for result in DBTaskResult.objects.filter(status="RUNNING"):
        if result.worker_ids and not worker_alive(result.worker_ids[-1]):
            result.set_failed(WorkerLost(f"worker {result.worker_ids[-1]} stopped"))
            reaped += 1
    return reaped


# -- worker liveness ---------------------------------------------------------------------------


def _workers_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "workers"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def new_worker_id() -> str:
    """host-pid-random: unique across a pool, and says where to look for the process."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"


@contextlib.contextmanager
def worker_lease(worker_id: str) -> Iterator[None]:
    """Hold the worker's lock file for the block; the OS releases it when the process dies."""
    path = _workers_dir() / f"{worker_id}.lock"
    handle = path.open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock
        path.unlink(missing_ok=True)


def worker_alive(worker_id: str) -> bool:
    """Whether the worker with this id still holds its lock (is running)."""
    path = _workers_dir() / f"{worker_id}.lock"
    try:
        handle = path.open("r")
    except FileNotFoundError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


# A lock file younger than this may belong to a worker between open() and flock(): never swept.
STALE_LOCK_SECONDS = 60


def workers_running() -> int:
    """How many workers are alive (a page can say that no one will run a queued job).

    Lock files left by killed workers are removed on the way, so var/workers/ does not grow; a
    missing file reads as a dead worker, exactly as an unlocked one does.
    """
    alive = 0
    now = time.time()
    for path in _workers_dir().glob("*.lock"):
        if worker_alive(path.stem):
            alive += 1
            continue
        with contextlib.suppress(FileNotFoundError):
            if now - path.stat().st_mtime > STALE_LOCK_SECONDS:
                path.unlink()
    return alive


def close_connections() -> None:
    """Close this thread's database connections (a worker between jobs, a finished thread)."""
    connections.close_all()


# -- progress ----------------------------------------------------------------------------------


def _progress_path(key: str) -> Path:
    directory = Path(settings.VAR_DIR) / "progress"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{key}.json"


def write_progress(key: str, done: int, total: int, message: str = "", task: str = "") -> None:
    """Publish progress outside any database transaction, so other processes can read it mid-import.

    Written from inside a queued job, the record names the job, so a reader can tell a job that
    is still running from one whose worker died (see read_progress).
    """
    path = _progress_path(key)
    tmp = path.with_suffix(".tmp")
    record = {"done": done, "total": total, "message": message}
    if task or current_task_id():
        record["task"] = task or current_task_id()
    tmp.write_text(json.dumps(record))
    os.replace(tmp, path)


def read_progress(key: str) -> dict[str, Any] | None:
    """The last published progress of a task, or None; 'lost': True when its job's worker died."""
    try:
        record: dict[str, Any] = json.loads(_progress_path(key).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    if record.get("task"):
        state = task_state(record["task"])
        if state.status == "done":  # finished while this was read: the record is stale
            return None
        if state.status in (
            "failed",
            "lost",
            "unknown",
        ):  # it stopped without clearing its progress
            record["lost"] = True
            record["reason"] = state.reason
    return record


def clear_progress(key: str) -> None:
    """Forget a finished task's progress."""
    _progress_path(key).unlink(missing_ok=True)
