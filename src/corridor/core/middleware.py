"""Render DomainError for pages (a toast for HTMX requests, an error page otherwise), and refuse
request bodies that cannot be parsed before anything tries to."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser
from django.shortcuts import render
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from corridor.core.memo import request_scope
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


class MalformedBodyMiddleware:
    """A multipart body without a usable boundary gets a 400 with the reason (JSON under /api/),
    before CSRF checks, forms or the API parse it (which logged a traceback for every such request)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type, options = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
        if content_type == "multipart/form-data":
            boundary = options.get("boundary", "")
            if not boundary or not MultiPartParser.boundary_re.fullmatch(boundary):
                return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        message = _("A multipart/form-data body needs a boundary in its Content-Type.")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": "bad_request", "message": message, "details": {}}, status=400
            )
        return render(request, "core/error.html", {"error": {"message": message}}, status=400)


class RequestMemoMiddleware:
    """Gives each reading request (GET, HEAD) its own memo (corridor.core.memo), so repeated reads
    run once per page; a request that writes gets none, so it never reads a value from before its write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with request_scope():
            return self.get_response(request)
