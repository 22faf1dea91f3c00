"""Account and audit writes: users, tokens, login throttling and the audit trail."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import secrets
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts.models import (
    TOKEN_DAYS_DEFAULT,
    ApiToken,
    ApplicantProfile,
    AttemptCounter,
    AuditAction,
    AuditEvent,
)
from corridor.accounts.roles import Role
from corridor.core.channel import current_channel
from corridor.errors import Conflict, PermissionDenied, ValidationFailed

TOKEN_DAYS_MAX = 366


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


def reserve_sign_up(address: str) -> bool:
    """Whether another account may be created from this address now (and count it)."""
    return reserve_attempt(
        "sign-up",
        address,
        settings.CORRIDOR_SIGNUP_MAX_PER_ADDRESS,
        settings.CORRIDOR_SIGNUP_WINDOW_SECONDS,
    )


@transaction.atomic
def confirm_claims(profiles: Iterable[ApplicantProfile], actor: User) -> int:
    """Staff confirm that applicants are the organisations (and USCCs) they claimed to be."""
    confirmed = 0
    for profile in profiles:
        if profile.confirmed_at is not None:
            continue
        before = snapshot(profile)
        profile.confirmed_at = timezone.now()
        profile.confirmed_by = actor
        profile.save(update_fields=["confirmed_at", "confirmed_by"])
        record_audit(
            actor, AuditAction.UPDATE, profile, before, snapshot(profile), note="claim confirmed"
        )
        confirmed += 1
    return confirmed


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    user: User, name: str, days: int = TOKEN_DAYS_DEFAULT, read_only: bool = False
) -> str:
    """Create an API token valid for `days` and return its raw value (shown once, stored only as
    a hash); a read-only token may only read."""
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise ValidationFailed(
            _("A token lasts 1 to %(max)s days.") % {"max": TOKEN_DAYS_MAX},
            field="days",
            value=days,
        )
    raw = "cor_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name=name[:100] or "token",
        key_hash=_hash_key(raw),
        prefix=raw[4:10],
        expires_at=timezone.now() + dt.timedelta(days=days),
        read_only=read_only,
    )
    return raw


def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    updated = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise PermissionDenied(_("No such active token of yours."))


def active_token(raw: str) -> ApiToken | None:
    """The unrevoked, unexpired token of an active user that a raw value is, or None."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=_hash_key(raw),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(raw: str) -> User | None:
    """The active user a raw, unexpired API token belongs to, or None."""
    token = active_token(raw)
    return token.user if token is not None else None


def normalised_username(raw: str) -> str:
    """The one identity a typed username stands for: NFKC (full-width letters become ASCII),
    surrounding spaces dropped, case folded. ' leader', 'LEADER' and 'ｌｅａｄｅｒ' are all 'leader'."""
    return unicodedata.normalize("NFKC", raw).strip().casefold()


def reserve_attempt(scope: str, identity: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt of (scope, identity) if fewer than limit were made in the window, and say
    whether it may go ahead. The count is taken before the attempt is made, by single statements
    (insert-if-absent, then a conditional UPDATE), so N concurrent attempts get at most limit."""
    key = hashlib.sha256(f"{scope}\x00{identity}".encode()).hexdigest()
    now = timezone.now()
    AttemptCounter.objects.bulk_create(
        [AttemptCounter(key=key, attempts=0, window_start=now)], ignore_conflicts=True
    )
    expired = now - dt.timedelta(seconds=window_seconds)
    if AttemptCounter.objects.filter(key=key, window_start__lt=expired).update(
        attempts=1, window_start=now
    ):
        return True
    return bool(
        AttemptCounter.objects.filter(key=key, attempts__lt=limit).update(
            attempts=models.F("attempts") + 1
        )
    )


def forget_attempts(scope: str, identity: str) -> None:
    """Clear the count of (scope, identity), e.g. after a successful sign-in."""
    key = hashlib.sha256(f"{scope}\x00{identity}".encode()).hexdigest()
    AttemptCounter.objects.filter(key=key).delete()


def sign_in_identity(username: str, address: str) -> str:
    """What sign-in attempts are counted against: the normalised username at one address (a
    guesser at one address cannot lock others out; see docs/security.md)."""
    return f"{normalised_username(username)}\x00{address}"


def reserve_sign_in(username: str, address: str) -> bool:
    """Whether this sign-in may check its password (and count it)."""
    return reserve_attempt(
        "sign-in",
        sign_in_identity(username, address),
        settings.CORRIDOR_LOGIN_MAX_FAILURES,
        settings.CORRIDOR_LOGIN_WINDOW_SECONDS,
    )


def clear_sign_in_failures(username: str, address: str) -> None:
    """Forget a user's attempts at an address after a successful sign-in."""
    forget_attempts("sign-in", sign_in_identity(username, address))
