"""The channel a write came through (the pages, the API at /api/, the CLI), for the audit trail.

Services record it without every caller passing it along: ChannelMiddleware sets it for the request
(an /api/ path is "api", any other page "web"), a command or task may set it with `channel(...)`,
and an explicit `source=` still wins. Outside any of these it is "web", the default it always had.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

WEB, API, CLI = "web", "api", "cli"
API_PREFIX = "/api/"

_current: ContextVar[str] = ContextVar("corridor_channel", default=WEB)


def current_channel() -> str:
    """The channel of the request (or command) being served."""
    return _current.get()


@contextmanager
def channel(name: str) -> Iterator[None]:
    """Record writes made inside the block as coming through `name`."""
    token = _current.set(name)
    try:
        yield
    finally:
        _current.reset(token)


class ChannelMiddleware:
    """Marks each request's writes as "api" under /api/, else "web"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with channel(API if request.path.startswith(API_PREFIX) else WEB):
            return self.get_response(request)
