"""Accounts API: who am I."""

from django.http import HttpRequest
from ninja import Router, Schema

from corridor.accounts.roles import role_of
from corridor.core.api_errors import responses

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    role: str | None
    permissions: list[str]


@router.get("/me", response=responses({200: MeOut}))
def me(request: HttpRequest) -> dict:
    """The signed-in user, its role and permissions."""
    return {
        "username": request.user.username,
        "role": role_of(request.user),
        "permissions": sorted(request.user.get_all_permissions()),
    }
