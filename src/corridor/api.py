"""The REST API at /api/v1: one NinjaAPI, one router per domain app."""

from __future__ import annotations

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
    return api.create_response(
        request,
        {"error": "validation_failed", "message": message, "details": {"errors": exc.errors}},
        status=422,
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
