"""Per-request memo: a read that many parts of one page need runs once per request.

Inside a request (RequestMemoMiddleware) `per_request(key, build)` computes a value once and hands
the same object to every later caller in that request; outside a request (commands, tests calling
selectors directly, background jobs) it simply calls `build`, so nothing can go stale there.
Values must be treated as read-only by callers.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_memo: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "corridor_request_memo", default=None
)


def per_request(key: str, build: Callable[[], T]) -> T:
    """build() once per request under key (every call when no request scope is active)."""
    store = _memo.get()
    if store is None:
        return build()
    if key not in store:
        store[key] = build()
    return store[key]  # type: ignore[no-any-return]


def forget(prefix: str = "") -> None:
    """Drop memoised values (all, or those whose key starts with prefix), e.g. after a write."""
    store = _memo.get()
    if store is not None:
        for key in [k for k in store if k.startswith(prefix)]:
            del store[key]


@contextmanager
def request_scope() -> Iterator[None]:
    """A fresh memo for the duration of the block (one request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)
