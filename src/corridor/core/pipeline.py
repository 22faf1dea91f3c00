"""Overlap parsing with database writes: calls on a writer object run in a worker thread.

The worker owns its own database connection and transaction; SQLite and psycopg release the GIL
while the database works, so the calling thread keeps parsing meanwhile. With `threaded=False`
(tests, where the test transaction must see every write) the calls run inline, in order.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from typing import Any

from django.db import connections

_STOP = object()
_ALWAYS = object()


class Pipeline:
    """Forward method calls to `target` in order; `close()` returns the last call's result or raises."""

    def __init__(self, target: Any, threaded: bool, depth: int = 4) -> None:
        self.target, self.threaded = target, threaded
        self.error: BaseException | None = None
        self.result: Any = None
        if threaded:
            self.calls: queue.Queue = queue.Queue(maxsize=depth)
            self.thread = threading.Thread(target=self._work, name="corridor-writer", daemon=True)
            self.thread.start()

    def call(self, method: str, *args: Any) -> None:
        """Run target.method(*args) (inline, or queued for the worker)."""
        if not self.threaded:
            self.result = getattr(self.target, method)(*args)
            return
        if self.error is not None:
            raise self.error
        self.calls.put((method, args))

    def close(self) -> Any:
        """Wait for every queued call; re-raise the worker's error, if any."""
        if self.threaded:
            self.calls.put(_STOP)
            self.thread.join()
            if self.error is not None:
                raise self.error
        return self.result

    def call_after_failure(self, method: str) -> None:
        """After the caller failed: run target.method() even if the worker failed too, then stop."""
        if not self.threaded:
            with contextlib.suppress(Exception):  # the failure may have left nothing to undo
                getattr(self.target, method)()
            return
        self.calls.put((_ALWAYS, method))
        self.calls.put(_STOP)
        self.thread.join()

    def _work(self) -> None:
        try:
            while (item := self.calls.get()) is not _STOP:
                if item[0] is _ALWAYS:
                    with contextlib.suppress(Exception):
                        getattr(self.target, item[1])()
                elif (
                    self.error is None
                ):  # after a failure, drain the queue without running anything
                    method, args = item
                    try:
                        self.result = getattr(self.target, method)(*args)
                    except BaseException as exc:  # noqa: BLE001 - handed to the caller by close()
                        self.error = exc
        finally:
            connections.close_all()  # this thread's own connections
