"""Run a generator in a child process while this process consumes its items: two cores, not one.

Used where Python work on both sides would otherwise share one interpreter lock: an import reads
and validates rows in a child while the parent writes them to the database, and the demo builder
generates records in a child while the parent writes them.

The child is started with `spawn` (a fresh interpreter): `fork` is unsafe in a process with
threads (the web server runs imports in a background thread). So the generator's module must be
cheap to import and must not need Django. Items and errors travel pickled through a bounded
queue; the consumer always learns how the child ended:

- an exception in the child is raised again here, same type, with the child's traceback as a note;
- a child that dies (killed, out of memory) raises ChildProcessError with its exit code;
- a consumer that stops early (an error, all-or-nothing abort) terminates the child;
- a child whose parent died (killed mid-import) exits instead of blocking forever on a full queue;
- with memory_limit_mb the child runs under RLIMIT_AS (its whole address space, so also what a
  native library such as calamine allocates): running out of it, by a MemoryError or by dying
  (Rust aborts on a failed allocation, the kernel's OOM killer sends SIGKILL), raises OutOfMemory
  here, a ChildProcessError saying so. The parent is never the one that runs out.

This module imports nothing from Django, since the child imports it too.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import queue
import resource
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_ITEM, _END, _ERROR = 0, 1, 2
POLL_SECONDS = 1.0
BULK_GC_THRESHOLD = (100_000, 50, 100)


class OutOfMemory(ChildProcessError):
    """A memory-limited child needed more memory than it was allowed."""


@contextlib.contextmanager
def bulk_gc() -> Iterator[None]:
    """Fewer garbage collections while millions of short-lived rows pass through.

    With the default thresholds the cyclic collector runs every 700 new containers, and its
    frequent full passes walk every long-lived object (Django, the region table): nearly a third
    of the reading time of a million rows. Objects alive now are frozen (not walked until the
    end), and the young generations are collected less often, which still frees the cycles a
    failing cell leaves behind (exception, traceback, frame). Process-wide; restored on exit.
    """
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BULK_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def in_child_process(
    produce: Callable[..., Iterable[T]],
    *args: Any,
    depth: int = 4,
    name: str = "producer",
    memory_limit_mb: int | None = None,
) -> Iterator[T]:
    """The items of produce(*args), computed in a spawned child process, at most `depth` ahead."""
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=depth)
    process = context.Process(
        target=_child_main,
        args=(produce, args, channel, memory_limit_mb),
        name=f"corridor-{name}",
        daemon=True,
    )
    process.start()
    finished = False
    try:
        while True:
            kind, payload = _receive(channel, process, name, memory_limit_mb)
            if kind == _ITEM:
                yield payload
            elif kind == _END:
                finished = True
                return
            elif memory_limit_mb and isinstance(payload, MemoryError):
                raise OutOfMemory(
                    f"the {name} process needed more than its {memory_limit_mb} MiB of memory"
                ) from payload
            else:
                raise payload
    finally:
        _stop(process, channel, finished)


def _receive(
    channel: Any, process: Any, name: str, memory_limit_mb: int | None = None
) -> tuple[int, Any]:
    """The next message, or ChildProcessError once the child is gone without saying goodbye."""
    while True:
        try:
            return pickle.loads(channel.get(timeout=POLL_SECONDS))
        except queue.Empty:
            if process.is_alive():
                continue
        try:  # it may have exited right after its last message
            return pickle.loads(channel.get(timeout=POLL_SECONDS))
        except queue.Empty:
            if memory_limit_mb:  # a memory-limited child that dies has, as a rule, run out of it
                raise OutOfMemory(
                    f"the {name} process stopped (exit code {process.exitcode}), most likely "
                    f"out of its {memory_limit_mb} MiB of memory"
                ) from None
            raise ChildProcessError(
                f"the {name} process stopped unexpectedly (exit code {process.exitcode})"
            ) from None


def _stop(process: Any, channel: Any, finished: bool) -> None:
    """Reap the child; one still running is terminated (the consumer gave up on it)."""
    if not finished and process.is_alive():
        process.terminate()
    process.join(timeout=10)
    if process.is_alive():  # pragma: no cover - terminate is ignored only by a wedged process
        process.kill()
        process.join()
    channel.close()


# -- in the child -------------------------------------------------------------------------------


def _child_main(
    produce: Callable[..., Iterable[Any]],
    args: tuple[Any, ...],
    channel: Any,
    memory_limit_mb: int | None = None,
) -> None:
    """Send every item, then the end marker or the error that stopped the generator."""
    if memory_limit_mb:
        limit_memory(memory_limit_mb)
    try:
        with bulk_gc():
            for item in produce(*args):
                _send(channel, (_ITEM, item))
    except BaseException as exc:  # noqa: BLE001 - every failure is handed to the parent
        _send(channel, (_ERROR, _portable(exc)))
    else:
        _send(channel, (_END, None))


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (never above a hard limit already in force)."""
    wanted = megabytes << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _send(channel: Any, message: tuple[int, Any]) -> None:
    """Put with back-pressure; if the parent is gone nobody will ever read, so leave at once.

    Pickled here, not by the queue's feeder thread: that thread only prints a pickling error and
    drops the item, and the parent would go on as if the item had never existed.
    """
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    parent = multiprocessing.parent_process()
    while True:
        try:
            channel.put(data, timeout=POLL_SECONDS)
            return
        except queue.Full:
            if parent is not None and not parent.is_alive():
                os._exit(1)  # no cleanup: the queue's feeder thread would wait for the dead reader


def _portable(exc: BaseException) -> BaseException:
    """The exception with the child's traceback as a note, or a RuntimeError if it cannot be pickled."""
    text = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"in the child process:\n{text}")
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any pickling failure: fall back to plain text
        return RuntimeError(f"{type(exc).__name__}: {exc}\n{text}")
