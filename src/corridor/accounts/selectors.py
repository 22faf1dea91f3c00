"""Account reads."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from corridor.accounts.models import ApiToken
from corridor.accounts.roles import Role, role_of


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def role_label(user: User) -> str:
    """The user's role in words."""
    role = role_of(user)
    return str(Role(role).label) if role else ""
