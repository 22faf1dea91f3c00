"""Sign-in (the throttled password backend every login form goes through, the admin's included),
API authentication (session or bearer token) and permission checks shared by every router."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, django_auth

from corridor.accounts import services
from corridor.core.views import require_perm
from corridor.errors import PermissionDenied


def client_address(request: HttpRequest | None) -> str:
    """The address sign-in attempts are counted at (REMOTE_ADDR; a proxy in front must set it)."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class ThrottledModelBackend(ModelBackend):
    """Username and password, throttled per normalised username and address.

    The typed name is normalised (NFKC, trimmed, case folded) and matched to the one stored user
    it stands for; an attempt is counted before the password is checked and refused once the limit
    is reached (request.login_locked is set so the form can say so); success clears the count.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request)
        if not services.reserve_sign_in(username, address):
            if request is not None:
                request.login_locked = True  # type: ignore[attr-defined]
            return None
        user = _stored_user(username)
        if user is None:
            User().set_password(
                password
            )  # as slow as a real check: names cannot be probed by timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            services.clear_sign_in_failures(username, address)
            return user
        return None


def _stored_user(username: str) -> User | None:
    identity = services.normalised_username(username)
    candidates = [
        u
        for u in User.objects.filter(username__iexact=identity)
        if services.normalised_username(u.username) == identity
    ]
    return candidates[0] if len(candidates) == 1 else None


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; sets request.user to the token's owner. An expired token
    is no token (401); a read-only token asking to change something is refused (403)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = services.active_token(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("This API token is read-only."), token=found.prefix)
        request.user = found.user
        return found.user


api_auth = [TokenAuth(), django_auth]

__all__ = ["ThrottledModelBackend", "TokenAuth", "api_auth", "client_address", "require_perm"]
