"""Every write to the registry: validated, in one transaction, with its audit trail."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts.models import AuditAction
from corridor.accounts.services import record_audit, snapshot
from corridor.core.issue_text import uscc_text
from corridor.core.signals import announce_data_changed
from corridor.engine.uscc import check_uscc
from corridor.errors import Conflict, NotFound, ValidationFailed
from corridor.registry.bulk import ENTERPRISE_COLUMNS, FACT_COLUMNS, refresh_latest_facts
from corridor.registry.models import Enterprise
from corridor.registry.signals import enterprise_facts_changed, enterprises_changed

logger = logging.getLogger(__name__)

# What users may edit: every stored enterprise column except the internal flags (the park by object).
EDITABLE_FIELDS = tuple(
    "park" if column == "park_id" else column
    for column in ENTERPRISE_COLUMNS
    if column not in ("uscc_checksum_confirmed", "is_synthetic")
)


def clean_uscc(value: str | None, confirm_checksum: bool) -> tuple[str | None, bool]:
    """Validate a USCC: hard errors raise; a checksum failure needs the user's confirmation."""
    if not value:
        return None, False
    result = check_uscc(value)
    if result.error:
        raise ValidationFailed(
            _("USCC %(code)s %(reason)s") % {"code": value, "reason": uscc_text(result)},
            field="uscc",
            value=value,
            code="uscc_invalid",
        )
    if result.warning and not confirm_checksum:
        raise ValidationFailed(
            _("USCC %(code)s: %(reason)s. Check it, or confirm that it is written as issued.")
            % {"code": result.code, "reason": uscc_text(result)},
            field="uscc",
            value=value,
            code="uscc_checksum",
        )
    return result.code, bool(result.warning)


def announce_enterprises_changed(ids: Iterable[int]) -> None:
    """Tell followers (the atlas classifier) which enterprises changed, once the transaction commits.

    Call it after any write to enterprises outside these services (an applied or reverted import).
    Outside a transaction the signal goes at once; a follower's failure is logged, never undoes
    or fails the registry write that has already committed.
    """
    changed = sorted(set(ids))
    if changed:
        transaction.on_commit(lambda: _send_changed(changed), robust=True)
        announce_data_changed("registry")  # and read models over all enterprises are stale


def announce_facts_changed(ids: Iterable[int]) -> None:
    """Tell followers of figures (qualification) which enterprises an import wrote, after commit."""
    changed = sorted(set(ids))
    if changed:
        transaction.on_commit(lambda: _send_facts_changed(changed), robust=True)


def _send_facts_changed(ids: list[int]) -> None:
    for receiver, result in enterprise_facts_changed.send_robust(sender=Enterprise, ids=ids):
        if isinstance(result, Exception):
            logger.error(
                "%s failed on %d enterprises whose facts changed",
                receiver,
                len(ids),
                exc_info=(type(result), result, result.__traceback__),
            )


def _send_changed(ids: list[int]) -> None:
    for receiver, result in enterprises_changed.send_robust(sender=Enterprise, ids=ids):
        if isinstance(result, Exception):
            logger.error(
                "%s failed on %d changed enterprises",
                receiver,
                len(ids),
                exc_info=(type(result), result, result.__traceback__),
            )


def _refuse_control_characters(values: dict[str, Any]) -> None:
    """Text with NUL or other control characters (except newlines and tabs) is refused, naming the field."""
    for key, value in values.items():
        if isinstance(value, str) and any(
            not ch.isprintable() and ch not in "\n\r\t" for ch in value
        ):
            raise ValidationFailed(
                _("%(field)s contains control characters.") % {"field": key},
                field=key,
                code="control_characters",
            )


def _clean_name(values: dict[str, Any]) -> None:
    """An enterprise's name is its label everywhere: refused when empty or only blanks, else stripped."""
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed(
            _("An enterprise needs a name; “%(value)s” is empty.") % {"value": name or ""},
            field="name",
            value=name,
            code="name_empty",
        )
    values["name"] = name.strip()


def _assert_uscc_free(code: str | None, exclude_id: int | None = None) -> None:
    holders = Enterprise.all_objects.filter(uscc=code)
    if exclude_id is not None:  # excluding pk=None would exclude nothing
        holders = holders.exclude(pk=exclude_id)
    if code and holders.exists():
        raise Conflict(
            _("Another enterprise already has USCC %(code)s.") % {"code": code},
            field="uscc",
            value=code,
        )


@transaction.atomic
def create_enterprise(
    data: dict[str, Any],
    actor: User | None,
    confirm_checksum: bool = False,
    source: str | None = None,
) -> Enterprise:
    """Create one enterprise from form or API data."""
    values = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    _clean_name(values)
    _refuse_control_characters(values)
    values["uscc"], confirmed = clean_uscc(values.get("uscc"), confirm_checksum)
    _assert_uscc_free(values["uscc"])
    enterprise = Enterprise(**values, uscc_checksum_confirmed=confirmed)
    try:
        enterprise.save()
    except IntegrityError as exc:  # a concurrent writer took the code between check and save
        raise Conflict(_("Another enterprise already has this USCC."), field="uscc") from exc
    record_audit(actor, AuditAction.CREATE, enterprise, None, snapshot(enterprise), source=source)
    announce_enterprises_changed([enterprise.pk])
    return enterprise


def _refuse_nulls(values: dict[str, Any]) -> None:
    """ValidationFailed naming the first field given no value that the record cannot be without."""
    for key, value in values.items():
        if value is None and not Enterprise._meta.get_field(key).null:
            raise ValidationFailed(
                _("%(field)s cannot be empty") % {"field": key}, field=key, value=None
            )


@transaction.atomic
def update_enterprise(
    enterprise: Enterprise,
    data: dict[str, Any],
    actor: User | None,
    confirm_checksum: bool = False,
    source: str | None = None,
) -> Enterprise:
    """Change an enterprise's fields; records before and after."""
    before = snapshot(enterprise)
    values = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    _refuse_nulls(values)
    if "name" in values:
        _clean_name(values)
    _refuse_control_characters(values)
    if "uscc" in values and values["uscc"] != enterprise.uscc:
        values["uscc"], enterprise.uscc_checksum_confirmed = clean_uscc(
            values["uscc"], confirm_checksum
        )
        _assert_uscc_free(values["uscc"], exclude_id=enterprise.pk)
    for key, value in values.items():
        setattr(enterprise, key, value)
    enterprise.save()
    after = snapshot(enterprise)
    if before != after:
        record_audit(actor, AuditAction.UPDATE, enterprise, before, after, source=source)
        announce_enterprises_changed([enterprise.pk])
    return enterprise


@transaction.atomic
def soft_delete_enterprise(enterprise: Enterprise, actor: User | None, reason: str = "") -> None:
    """Mark an enterprise deleted; it disappears from lists and can be restored."""
    if enterprise.deleted_at is not None:
        return
    enterprise.deleted_at = timezone.now()
    enterprise.save(update_fields=["deleted_at", "updated_at"])
    record_audit(
        actor,
        AuditAction.DELETE,
        enterprise,
        {"deleted_at": None},
        {"deleted_at": enterprise.deleted_at.isoformat()},
        note=reason,
    )
    announce_enterprises_changed([enterprise.pk])


@transaction.atomic
def restore_enterprise(enterprise_id: int, actor: User | None) -> Enterprise:
    """Bring a soft-deleted enterprise back."""
    enterprise = Enterprise.all_objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound(_("No such enterprise."))
    if enterprise.deleted_at is None:
        return enterprise
    before = {"deleted_at": enterprise.deleted_at.isoformat()}
    enterprise.deleted_at = None
    enterprise.save(update_fields=["deleted_at", "updated_at"])
    record_audit(actor, AuditAction.RESTORE, enterprise, before, {"deleted_at": None})
    announce_enterprises_changed([enterprise.pk])
    return enterprise


FACT_FIELDS = FACT_COLUMNS  # the yearly figures, as the bulk writer stores them


@transaction.atomic
def merge_into(source_id: int, target_id: int, actor: User | None) -> Enterprise:
    """Fold a record without a USCC into the one that has it: facts, tags, titles, IP and platforms move."""
    source = Enterprise.objects.filter(pk=source_id).first()
    target = Enterprise.objects.filter(pk=target_id).first()
    if source is None or target is None:
        raise NotFound(_("No such enterprise."))
    if source.pk == target.pk:
        raise ValidationFailed(_("An enterprise cannot be merged into itself."))
    if source.uscc:
        raise ValidationFailed(
            _("Only a record without a USCC can be merged into another."), field="uscc"
        )
    if not target.uscc:
        raise ValidationFailed(_("The record to keep must have a USCC."), field="uscc")
    before_target = snapshot(target)
    _move_facts(source, target)
    for relation in ("titles", "ip_holdings", "rd_platforms"):
        getattr(source, relation).update(enterprise=target)
    existing_tags = set(target.tags.values_list("tag", flat=True))
    source.tags.exclude(tag__in=existing_tags).update(enterprise=target)
    for field in EDITABLE_FIELDS:  # fill the target's blanks from the source, never overwrite
        if getattr(target, field) in (None, "") and getattr(source, field) not in (None, ""):
            setattr(target, field, getattr(source, field))
    target.save()
    source.deleted_at = timezone.now()
    source.save(update_fields=["deleted_at", "updated_at"])
    refresh_latest_facts([target.pk, source.pk])
    record_audit(
        actor,
        AuditAction.MERGE,
        target,
        before_target,
        snapshot(target),
        note=_("merged #%(id)s %(name)s") % {"id": source.pk, "name": source.name},
    )
    record_audit(
        actor,
        AuditAction.DELETE,
        source,
        {"deleted_at": None},
        {"deleted_at": source.deleted_at.isoformat()},
        note=_("merged into #%(id)s") % {"id": target.pk},
    )
    announce_enterprises_changed([target.pk, source.pk])
    return target


def _move_facts(source: Enterprise, target: Enterprise) -> None:
    """Move yearly facts; where both have a year, the target's values win and blanks are filled."""
    target_years = {f.year: f for f in target.year_facts.all()}
    for facts in source.year_facts.all():
        kept = target_years.get(facts.year)
        if kept is None:
            facts.enterprise = target
            facts.save()
            continue
        for field in FACT_FIELDS:
            if getattr(kept, field) in (None, "") and getattr(facts, field) not in (None, ""):
                setattr(kept, field, getattr(facts, field))
        kept.save()
        facts.delete()
