"""API authentication (session or bearer token) and permission checks shared by every router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from corridor.accounts.services import user_for_token
from corridor.core.views import require_perm


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; sets request.user to the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api_auth = [TokenAuth(), django_auth]

__all__ = ["TokenAuth", "api_auth", "require_perm"]
