"""API authentication (session or bearer token) and permission checks shared by every router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, django_auth

from corridor.accounts.services import user_for_token
from corridor.errors import PermissionDenied


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; sets request.user to the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api_auth = [TokenAuth(), django_auth]


def require_perm(request: HttpRequest, perm: str) -> None:
    """Raise a 403 DomainError unless the caller holds the permission."""
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."), permission=perm)
