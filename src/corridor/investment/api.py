"""Investment API: projects (visible by team), stage moves with the same rules as the board, targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from corridor.accounts.auth import require_perm
from corridor.core.api_errors import (
    NOT_BLANK,
    TEXT_RULE,
    BodyIn,
    IsoDate,
    Money,
    domain_rules,
    responses,
)
from corridor.core.pagination import BoundedPagination
from corridor.core.views import SignedInRequest
from corridor.errors import NotFound, ValidationFailed
from corridor.investment import permissions as perms
from corridor.investment import selectors, services, targets
from corridor.registry import selectors as registry_selectors

router = Router(tags=["investment"])


class ProjectOut(Schema):
    id: int
    name: str
    target_id: int
    chain: str
    node: str
    stage: str
    is_open: bool
    investment_amount: Decimal | None
    owner: str
    next_follow_up: dt.date | None
    source_channel: str
    referred_by: str
    signed_on: dt.date | None
    registered_on: dt.date | None
    production_on: dt.date | None
    full_output_on: dt.date | None
    landed_uscc: str

    @staticmethod
    def resolve_stage(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.stage.key

    @staticmethod
    def resolve_owner(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.owner.get_username()


class ProjectIn(BodyIn):
    target_id: int
    name: str = Field("", max_length=200)
    node: str = Field("", max_length=80)
    investment_amount: Money | None = None
    source_channel: str = Field("", max_length=24)
    referred_by: str = Field("", max_length=120)
    next_step: str = Field("", max_length=200)
    next_follow_up: IsoDate | None = None


# What the pipeline's services refuse that the schemas cannot state.
PROJECT_RULES = domain_rules(
    ("node", "", "node is a node of the current atlas"),
    ("referred_by", "", "a referral (source_channel referral) says who referred it"),
    ("target", "", "the target enterprise is not deleted"),
    TEXT_RULE,
)
MOVE_RULES = domain_rules(
    (
        "stage",
        "",
        "stage is a stage of the pipeline (data: investment/data/stages.yaml), and the "
        "project meets its entry requirements",
    ),
    ("lost_reason", "", "lost_reason is one of the pipeline's lost reasons"),
    TEXT_RULE,
)


class MoveIn(BodyIn):
    stage: str
    note: str = Field("", max_length=300)
    lost_reason: str = ""


class ActivityIn(BodyIn):
    kind: Literal["visit", "call", "meeting", "note"] = "note"
    summary: str = Field(pattern=NOT_BLANK)


class TargetsIn(Schema):
    node: list[str] = []
    chain: str = ""
    strategy: str = ""
    top: int = 50


class TargetOut(Schema):
    rank: int
    enterprise_id: int
    name: str
    node: str
    score: float
    points: dict[str, float]
    reasons: list[str]


@router.get("/projects", response=responses({200: list[ProjectOut]}))
@paginate(BoundedPagination)
def list_projects(request: SignedInRequest, q: str = "", stage: str = ""):  # type: ignore[no-untyped-def]
    require_perm(request, perms.VIEW_PROJECT)
    return selectors.project_list(
        request.user, selectors.ProjectFilters.from_query({"q": q, "stage": stage})
    )


@router.get("/projects/{project_id}", response=responses({200: ProjectOut}, 404))
def get_project(request: SignedInRequest, project_id: int):  # type: ignore[no-untyped-def]
    require_perm(request, perms.VIEW_PROJECT)
    return selectors.get_project(request.user, project_id)


@router.post(
    "/projects",
    response=responses({201: ProjectOut}, 400, 404, 409),
    openapi_extra=PROJECT_RULES,
)
def create_project(request: SignedInRequest, payload: ProjectIn):  # type: ignore[no-untyped-def]
    require_perm(request, perms.MANAGE_PIPELINE)
    target = registry_selectors.get_enterprise(payload.target_id)
    data = {k: v for k, v in payload.dict(exclude={"target_id"}).items() if v not in (None, "")}
    if data.get("node"):
        data["chain"] = data["node"].split(".")[0]
    return 201, services.create_project(target, request.user, data)


@router.post(
    "/projects/{project_id}/move",
    response=responses({200: ProjectOut}, 400, 404, 409),
    openapi_extra=MOVE_RULES,
)
def move_project(request: SignedInRequest, project_id: int, payload: MoveIn):  # type: ignore[no-untyped-def]
    require_perm(request, perms.MANAGE_PIPELINE)
    project = selectors.get_project(request.user, project_id)
    stage = selectors.stage_by_key(payload.stage)
    if stage is None:
        raise ValidationFailed(
            _("Unknown stage %(stage)r") % {"stage": payload.stage},
            field="stage",
            value=payload.stage,
        )
    reason = selectors.lost_reason_by_key(payload.lost_reason) if payload.lost_reason else None
    if payload.lost_reason and reason is None:
        raise ValidationFailed(
            _("Unknown lost reason %(reason)r") % {"reason": payload.lost_reason},
            field="lost_reason",
        )
    return services.move_stage(project, stage, request.user, payload.note, reason)


@router.post(
    "/projects/{project_id}/activities",
    response=responses({201: dict}, 400, 404, 409),
    openapi_extra=domain_rules(TEXT_RULE),
)
def add_activity(request: SignedInRequest, project_id: int, payload: ActivityIn):  # type: ignore[no-untyped-def]
    require_perm(request, perms.MANAGE_PIPELINE)
    project = selectors.get_project(request.user, project_id)
    if payload.kind not in ("visit", "call", "meeting", "note"):
        raise ValidationFailed(
            _("Unknown activity kind %(kind)r") % {"kind": payload.kind}, field="kind"
        )
    activity = services.add_activity(project, payload.kind, payload.summary, request.user)
    return 201, {"id": activity.pk, "at": activity.at.isoformat()}


@router.get("/targets", response=responses({200: list[TargetOut]}, 404))
def rank_targets(request: SignedInRequest, params: Query[TargetsIn]):  # type: ignore[no-untyped-def]
    require_perm(request, perms.RANK_TARGETS)
    nodes = targets.selected_nodes(request.GET)
    if not nodes:
        raise NotFound(_("No such node or chain."))
    result = targets.ranked(nodes, targets.strategy_from(request.GET), params.top)
    return [
        TargetOut(
            rank=r["rank"],
            enterprise_id=r["id"],
            name=r["enterprise"]["name"],
            node=r["node_id"],
            score=round(r["score"], 4),
            points={k: round(v, 4) for k, v in r["contributions"].items()},
            reasons=[f"{x['name']}: {x['text']}" for x in r["reasons"]],
        )
        for r in result["rows"]
    ]
