"""Account reads."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Max, QuerySet

from corridor.accounts.models import ApiToken, ApplicantProfile, AuditEvent
from corridor.accounts.roles import Role, role_of


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def claim_of(user: User) -> ApplicantProfile | None:
    """The applicant's claim to be an organisation, or None for staff users."""
    return ApplicantProfile.objects.filter(user=user).first()


def role_label(user: User) -> str:
    """The user's role in words."""
    role = role_of(user)
    return str(Role(role).label) if role else ""


def latest_events(target_type: str, ids: list[int]) -> dict[int, AuditEvent]:
    """The newest audit event of each record (by id), for records of one type."""
    events = (
        AuditEvent.objects.filter(target_type=target_type, target_id__in=[str(i) for i in ids])
        .select_related("actor")
        .order_by("target_id", "-at", "-id")
    )
    newest: dict[int, AuditEvent] = {}
    for event in events:
        newest.setdefault(int(event.target_id), event)
    return newest


def user_named(username: str) -> User | None:
    """The user with that username, or None."""
    return User.objects.filter(username=username).first()


def existing_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames exist."""
    return set(User.objects.filter(username__in=usernames).values_list("username", flat=True))


def last_event_of_app(app_label: str) -> int | None:
    """Id of the latest audit event on any record of one app (its models' target types).

    Part of the change stamps that key cached figures: an event on another app's records (a
    project moved, a user changed) must not throw away the registry's or the atlas's caches.
    Served by the (target_type, target_id) index, one range per model of the app.
    """
    types = [m._meta.label_lower for m in apps.get_app_config(app_label).get_models()]
    found = AuditEvent.objects.filter(target_type__in=types).aggregate(m=Max("id"))["m"]
    return int(found) if found is not None else None
