"""Render DomainError for pages: a toast for HTMX requests, an error page otherwise."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from corridor.errors import DomainError


class DomainErrorMiddleware:
    """Turns expected business failures into user-facing responses instead of 500s."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, DomainError) or request.path.startswith("/api/"):
            return None
        if request.headers.get("HX-Request"):
            response = render(request, "core/_toast.html", {"error": exc}, status=exc.status)
            # HTMX swaps only 2xx by default; retarget the toast area so the message shows.
            response["HX-Retarget"] = "#toasts"
            response["HX-Reswap"] = "beforeend"
            return response
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
