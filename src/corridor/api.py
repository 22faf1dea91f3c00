"""The REST API at /api/v1: one NinjaAPI, one router per domain app."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from corridor.accounts.auth import api_auth
from corridor.errors import DomainError

api = NinjaAPI(
    title="Corridor API",
    version="1",
    description="Enterprise registry, imports, accounts and the industry-chain atlas. Authenticate with a session or `Authorization: Bearer <token>`.",
    auth=api_auth,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A parameter or body the schema refuses: the same error shape as every other error."""
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    message = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", ""))
    details: dict[str, Any] = {"errors": exc.errors}
    names = [part for part in first.get("loc", ()) if isinstance(part, str)]
    if names and names[-1] not in ("body", "payload", "query", "path"):
        details["field"] = names[-1]  # as a domain error names it (the parameter or body field)
        found, value = _given(request, first.get("loc", ()), names[-1])
        if found:
            details["value"] = value
    return api.create_response(
        request, {"error": "validation_failed", "message": message, "details": details}, status=422
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own refusals (a body that is not JSON: 400), in the same error shape."""
    code = "bad_request" if exc.status_code == 400 else "http_error"
    return api.create_response(
        request, {"error": code, "message": str(exc), "details": {}}, status=exc.status_code
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {
            "error": "unauthenticated",
            "message": "Sign in or send a valid API token.",
            "details": {},
        },
        status=401,
    )


def _register_routers() -> None:
    from corridor.accounts.api import router as accounts_router
    from corridor.atlas.api import router as atlas_router
    from corridor.imports.api import router as imports_router
    from corridor.investment.api import router as investment_router
    from corridor.qualify.api import router as qualify_router
    from corridor.registry.api import router as registry_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/registry", registry_router)
    api.add_router("/imports", imports_router)
    api.add_router("/atlas", atlas_router)
    api.add_router("/investment", investment_router)
    api.add_router("/qualify", qualify_router)


_register_routers()


def _given(request: HttpRequest, loc: tuple[Any, ...] | list[Any], name: str) -> tuple[bool, Any]:
    """(True, the value the client sent for the field) when it is a plain query or JSON value."""
    if loc and loc[0] == "query" and name in request.GET:
        return True, request.GET.get(name)
    if loc and loc[0] == "body" and request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return False, None
        if isinstance(body, dict) and name in body:
            value = body[name]
            if value is None or isinstance(value, (str, int, float, bool)):
                return True, value
    return False, None
