"""Every write to investment attraction: stages from data, projects, stage moves, activities, documents."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from corridor.accounts.models import AuditAction
from corridor.accounts.services import record_audit, snapshot
from corridor.atlas import selectors as atlas
from corridor.engine.sheets.cells import to_halfwidth
from corridor.engine.uscc import check_uscc
from corridor.errors import Conflict, ValidationFailed, printable_text
from corridor.investment import selectors
from corridor.investment.models import (
    Activity,
    Document,
    DocumentKind,
    LostReason,
    Project,
    Stage,
    StageChange,
    StageKind,
)
from corridor.investment.stages import (  # noqa: F401  channels: TODO(lead): import flow move
    attached_kinds,
    channels,
    missing_requirements,
    pipeline_config,
)
from corridor.registry import selectors as registry
from corridor.registry import services as registry_services
from corridor.registry.models import Enterprise

MAX_DOCUMENT_BYTES = 20 << 20
DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".ofd")
EDITABLE = (
    "name",
    "chain",
    "node",
    "investment_amount",
    "expected_output",
    "expected_tax",
    "expected_jobs",
    "land_mu",
    "floor_space_m2",
    "source_channel",
    "referred_by",
    "team",
    "next_step",
    "next_follow_up",
    "first_visit_on",
    "signed_on",
    "registered_on",
    "construction_on",
    "production_on",
    "full_output_on",
    "landed_uscc",
)


def ensure_stages() -> None:
    """Create or update the stages and lost reasons from the packaged configuration."""
    config = pipeline_config()
    for order, s in enumerate(config["stages"]):
        Stage.objects.update_or_create(
            key=s["key"],
            defaults={
                "name_zh": s["zh"],
                "name_en": s["en"],
                "order": order,
                "kind": s["kind"],
                "probability": Decimal(str(s["probability"])),
                "requires": list(s.get("requires") or []),
            },
        )
    for r in config["lost_reasons"]:
        LostReason.objects.update_or_create(
            key=r["key"], defaults={"name_zh": r["zh"], "name_en": r["en"]}
        )


# --- projects -----------------------------------------------------------------------------------


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate editable fields: the landed USCC, non-negative money, sane dates."""
    out = {k: v for k, v in data.items() if k in EDITABLE}
    uscc = (out.get("landed_uscc") or "").strip().upper()
    if uscc:
        result = check_uscc(uscc)
        if result.error or result.warning:
            raise ValidationFailed(
                _("The landed entity's USCC %(code)s is not valid.") % {"code": uscc},
                field="landed_uscc",
                value=uscc,
            )
        out["landed_uscc"] = result.code
    for key in ("investment_amount", "expected_output", "expected_tax", "land_mu"):
        value = out.get(key)
        if value is not None and Decimal(str(value)) < 0:
            raise ValidationFailed(
                _("%(field)s cannot be negative.") % {"field": key}, field=key, value=value
            )
    for key, value in out.items():
        if isinstance(value, str) and any(
            not ch.isprintable() and ch not in "\n\t" for ch in value
        ):
            raise ValidationFailed(
                _("%(field)s contains control characters.") % {"field": key},
                field=key,
                code="control_characters",
            )
    return out


def _check_consistency(project: Project, node_changed: bool = True) -> None:
    """Rules across fields, judged on the project as it would be saved: the node belongs to the
    chain (the chain follows from the node when not given), full output does not precede
    production, and a referral says who referred it."""
    if project.node and node_changed:
        node = atlas.node_index().get(project.node)
        if node is None:
            raise ValidationFailed(
                _("Unknown chain node %(node)s.") % {"node": project.node},
                field="node",
                value=project.node,
            )
        if not project.chain:
            project.chain = node.chain
        elif node.chain != project.chain:
            raise ValidationFailed(
                _("The node %(node)s does not belong to the chosen chain.")
                % {"node": node.name_en if _english() else node.name_zh},
                field="node",
                value=project.node,
            )
    if (
        project.full_output_on
        and project.production_on
        and project.full_output_on < project.production_on
    ):
        raise ValidationFailed(
            _("Full output cannot be reached before production started."),
            field="full_output_on",
            value=project.full_output_on.isoformat(),
        )
    if project.source_channel == REFERRAL and not project.referred_by.strip():
        raise ValidationFailed(
            _("Say who referred the project (a person or an office)."), field="referred_by"
        )


def _english() -> bool:
    return (get_language() or "").startswith("en")


REFERRAL = "referral"


def _link_landed(project: Project) -> None:
    """Link the landed entity to the registry record with the same USCC, if there is one."""
    if project.landed_uscc:
        project.landed_enterprise = registry.enterprise_with_uscc(project.landed_uscc)


def create_project(target: Enterprise, owner: User, data: dict[str, Any]) -> Project:
    """Open a project (stage 线索) on a target enterprise; one open project per enterprise."""
    if target.deleted_at is not None:
        raise ValidationFailed(_("The target enterprise is deleted."), field="target")
    existing = Project.objects.filter(target=target, is_open=True).first()
    if existing is not None:
        raise _duplicate(target, existing, owner)
    fields = _clean(data)
    with override("zh-hans"):  # stored text is read by everyone: keep it in the working language
        fields.setdefault("name", _("%(name)s project") % {"name": target.name})
    # ensure_stages() seeds the pipeline; were it empty, saving the project (stage NOT NULL) fails
    lead = cast(Stage, Stage.objects.order_by("order").first())
    try:
        with transaction.atomic():
            project = Project(target=target, owner=owner, stage=lead, **fields)
            _check_consistency(project)
            _link_landed(project)
            project.save()
            StageChange.objects.create(project=project, from_stage=None, to_stage=lead, by=owner)
            record_audit(owner, AuditAction.CREATE, project, None, snapshot(project))
    except IntegrityError:  # a concurrent request opened one first
        raise Conflict(_("%(name)s already has an open project.") % {"name": target.name}) from None
    return project


def _duplicate(target: Enterprise, existing: Project, user: User) -> Conflict:
    """The refusal of a second open project: it names the open one only to a user who may see it
    (another team's project stays invisible: no name, no id, no team; the user is told whom to ask)."""
    if selectors.visible_projects(user).filter(pk=existing.pk).exists():
        return Conflict(
            _("%(name)s already has an open project: %(project)s (#%(id)d).")
            % {"name": target.name, "project": existing.name, "id": existing.pk},
            project=existing.pk,
        )
    return Conflict(
        _(
            "A project for %(name)s is already open with another team. Ask the pipeline"
            " administrator (who sees every team's projects) to add you to it."
        )
        % {"name": target.name}
    )


def new_target(name: str, province: str, city: str, actor: User) -> Enterprise:
    """Add a company the registry does not know yet (a referral no ranking found), outside the
    district. Refused when the registry already has the name in either bracket spelling: the
    user should pick that record (the same name check the project import applies)."""
    name = printable_text(" ".join(name.split()), "new_name")
    if not name:
        raise ValidationFailed(_("Give the company's name."), field="new_name")
    known = registry.enterprises_named(name_spellings(name), limit=1)
    if known:
        raise Conflict(
            _("%(name)s is already in the registry (%(place)s); pick it from the registry.")
            % {"name": known[0].name, "place": known[0].city_label or "—"},
            field="new_name",
            enterprise=known[0].pk,
        )
    place = {
        "province": printable_text(province.strip(), "new_province")[:32],
        "city": printable_text(city.strip(), "new_city")[:32],
    }
    return registry_services.create_enterprise(
        {"name": name[:200], "is_local": False, **place}, actor
    )


def name_spellings(name: str) -> set[str]:
    """A registry name in the spellings registry records use (half- or full-width brackets)."""
    return {name, name.replace("(", "（").replace(")", "）"), to_halfwidth(name)}


def open_project_by_hand(
    owner: User,
    data: dict[str, Any],
    target: Enterprise | None = None,
    company: dict[str, str] | None = None,
) -> Project:
    """Open a project no ranking found (a referral): on a registry enterprise, or on a company
    added to the registry with it (both or neither are written)."""
    with transaction.atomic():
        if target is None:
            company = company or {}
            target = new_target(
                company.get("name", ""), company.get("province", ""), company.get("city", ""), owner
            )
        return create_project(target, owner, data)


def update_project(project: Project, data: dict[str, Any], user: User) -> Project:
    """Change a project's details (not its stage), audited."""
    fields = _clean(data)
    with transaction.atomic():
        before = snapshot(project)
        placed = (project.chain, project.node)
        for key, value in fields.items():
            setattr(project, key, value)
        _check_consistency(project, node_changed=(project.chain, project.node) != placed)
        _link_landed(project)
        after = snapshot(project)
        if after != before:  # an unchanged save writes nothing and no history entry
            project.save()
            record_audit(user, AuditAction.UPDATE, project, before, after)
    return project


def move_stage(
    project: Project,
    stage: Stage,
    user: User,
    note: str = "",
    lost_reason: LostReason | None = None,
) -> Project:
    """Move a project to a stage if it meets the stage's entry requirements; log who and when."""
    printable_text(note, "note")
    if stage.pk == project.stage_id:
        return project
    if stage.kind != StageKind.LOST and not project.is_open:
        clash = (
            Project.objects.filter(target=project.target, is_open=True)
            .exclude(pk=project.pk)
            .first()
        )
        if clash is not None:
            raise _duplicate(project.target, clash, user)
    missing = missing_requirements(project, stage, note, lost_reason)
    if missing:
        raise ValidationFailed(
            _("Cannot move to %(stage)s: %(missing)s.")
            % {"stage": stage.name(get_language() or "zh-hans"), "missing": "；".join(missing)},
            field="stage",
            value=stage.key,
            code="stage_requirements",
        )
    with transaction.atomic():
        before = snapshot(project)
        StageChange.objects.create(
            project=project, from_stage=project.stage, to_stage=stage, by=user, note=note[:300]
        )
        project.stage = stage
        project.stage_entered_at = timezone.now()
        project.is_open = stage.kind != StageKind.LOST
        project.lost_reason = lost_reason if stage.kind == StageKind.LOST else None
        project.hold_reason = note[:200] if stage.kind == StageKind.ON_HOLD else ""
        project.last_activity_at = timezone.now()
        project.save()
        record_audit(user, AuditAction.UPDATE, project, before, snapshot(project), note=note)
    return project


def add_activity(project: Project, kind: str, summary: str, user: User, at: Any = None) -> Activity:
    """Log a visit, call, meeting or note; it counts as the project's latest activity."""
    if not summary.strip():
        raise ValidationFailed(_("Write what happened."), field="summary")
    printable_text(summary, "summary")
    with transaction.atomic():
        activity = Activity.objects.create(
            project=project,
            kind=kind,
            summary=summary.strip()[:5000],
            by=user,
            at=at or timezone.now(),
        )
        if activity.at > project.last_activity_at:
            Project.all_objects.filter(pk=project.pk).update(last_activity_at=activity.at)
    return activity


def attach_document(
    project: Project, kind: str, title: str, upload: UploadedFile, user: User
) -> Document:
    """Attach a document (size and type checked, hashed)."""
    name = (upload.name or "").lower()
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed(
            _("Documents are limited to 20 MB."), field="file", value=upload.name
        )
    if not name.endswith(DOCUMENT_TYPES):
        raise ValidationFailed(
            _("%(name)s: only PDF, OFD, images, Word and Excel files are accepted.")
            % {"name": upload.name},
            field="file",
            value=upload.name,
        )
    printable_text(title or "", "title")
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Unknown document kind."), field="kind", value=kind)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document.objects.create(
        project=project,
        kind=kind,
        title=(title or upload.name or "")[:200],  # the name passed the type check above
        file=upload,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    record_audit(
        user,
        AuditAction.CREATE,
        document,
        None,
        {"project": project.pk, "kind": kind, "sha256": document.sha256},
    )
    return document
