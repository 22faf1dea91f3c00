"""Error pages and the small helpers every app's views share."""

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class SignedInRequest(HttpRequest):
    """The type of a request behind login_required or the API's auth: its user is signed in."""

    user: User


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 page (a malformed request, an unknown host), standalone like the 500 page."""
    return _standalone(request, "core/400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page: rendered without the database, the session or context processors (any may be
    what failed), in the language the request had already chosen."""
    return _standalone(request, "core/500.html", 500)


def _standalone(request: HttpRequest, template: str, status: int) -> HttpResponse:
    from django.template import loader

    html = loader.get_template(template).render({})
    return HttpResponse(html, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page in the site layout."""
    return render(request, "core/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a refused form post explained in the user's language, in the site layout
    (Django's own page is bare and speaks of tokens and referers)."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "core/403_csrf.html", context, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 page in the site layout."""
    return render(request, "core/404.html", status=404)


def perm_required(name: str):  # type: ignore[no-untyped-def]
    """A view decorator: the permission or a 403 page (never a redirect to sign in again)."""
    from django.contrib.auth.decorators import permission_required

    return permission_required(name, raise_exception=True)


def active_language() -> str:
    """The request's language code (Chinese when none is active)."""
    from django.utils.translation import get_language

    return get_language() or "zh-hans"


def require_perm(request: HttpRequest, perm: str) -> None:
    """API routes: raise a 403 DomainError unless the caller holds the permission."""
    from django.utils.translation import gettext as _

    from corridor.errors import PermissionDenied

    if not request.user.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."), permission=perm)
