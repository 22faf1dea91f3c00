"""Account and audit writes: users, tokens, login throttling and the audit trail."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts.models import ApiToken, ApplicantProfile, AuditAction, AuditEvent
from corridor.accounts.roles import Role
from corridor.core.channel import current_channel
from corridor.errors import Conflict, PermissionDenied, ValidationFailed


def json_safe(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text, decimals as text to keep them exact)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ("updated_at",)) -> dict[str, Any]:
    """The concrete field values of a record, JSON-safe, for before/after audit images."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = json_safe(getattr(instance, field.attname))
    return data


def record_audit(
    actor: User | None,
    action: str,
    instance: models.Model,
    before: dict | None,
    after: dict | None,
    source: str | None = None,
    note: str = "",
) -> AuditEvent:
    """Record who changed which record, when, its before and after images and the channel
    (by default the request's: web or api, see corridor.core.channel)."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=instance._meta.label_lower,
        target_id=str(instance.pk),
        target_label=str(instance)[:255],
        before=before,
        after=after,
        source=source or current_channel(),
        note=note[:500],
    )


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: str,
    *,
    email: str = "",
    full_name: str = "",
    actor: User | None = None,
) -> User:
    """Create a user holding exactly one role."""
    if role not in Role.values:
        raise ValidationFailed(
            _("Unknown role: %(role)s") % {"role": role}, field="role", value=role
        )
    if User.objects.filter(username=username).exists():
        raise Conflict(
            _("User %(username)s already exists") % {"username": username},
            field="username",
            value=username,
        )
    user = User.objects.create_user(username=username, password=password, email=email)
    user.first_name = full_name[:150]
    user.is_staff = role == Role.ADMINISTRATOR
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    record_audit(
        actor, AuditAction.CREATE, user, None, {"username": username, "role": role}, note="user"
    )
    return user


@transaction.atomic
def sign_up_applicant(
    username: str, password: str, organisation: str, email: str, uscc: str = ""
) -> User:
    """Public sign-up: an enterprise applicant who sees only its own things."""
    user = create_user(username, password, Role.APPLICANT, email=email)
    ApplicantProfile.objects.create(user=user, organisation=organisation, uscc=uscc)
    return user


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, name: str) -> str:
    """Create an API token and return its raw value (shown once, stored only as a hash)."""
    raw = "cor_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name[:100] or "token", key_hash=_hash_key(raw), prefix=raw[4:10]
    )
    return raw


def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    updated = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise PermissionDenied(_("No such active token of yours."))


def user_for_token(raw: str) -> User | None:
    """The active user a raw API token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_key(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _throttle_keys(username: str, address: str) -> list[str]:
    digest = hashlib.sha256(username.lower().encode()).hexdigest()[:16]
    return [f"login-fail:user:{digest}", f"login-fail:addr:{address}"]


def login_locked(username: str, address: str) -> bool:
    """Whether too many recent failures lock this username or address out."""
    limit = settings.CORRIDOR_LOGIN_MAX_FAILURES
    return any((cache.get(key) or 0) >= limit for key in _throttle_keys(username, address))


def register_login_failure(username: str, address: str) -> None:
    """Count one failed sign-in against the username and the address."""
    for key in _throttle_keys(username, address):
        cache.add(key, 0, settings.CORRIDOR_LOGIN_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.CORRIDOR_LOGIN_WINDOW_SECONDS)


def clear_login_failures(username: str, address: str) -> None:
    """Forget failures after a successful sign-in."""
    cache.delete_many(_throttle_keys(username, address))
