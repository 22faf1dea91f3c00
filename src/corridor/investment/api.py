"""Investment API: projects (visible by team), stage moves with the same rules as the board, targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from corridor.accounts.auth import require_perm
from corridor.core.api_errors import BodyIn, responses
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
    name: str = ""
    node: str = ""
    investment_amount: Decimal | None = None
    source_channel: str = ""
    referred_by: str = ""
    next_step: str = ""
    next_follow_up: dt.date | None = None


class MoveIn(BodyIn):
    stage: str
    note: str = ""
    lost_reason: str = ""


class ActivityIn(BodyIn):
    kind: str = "note"
    summary: str


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


@router.post("/projects", response=responses({201: ProjectOut}, 400, 404, 409))
def create_project(request: SignedInRequest, payload: ProjectIn):  # type: ignore[no-untyped-def]
    require_perm(request, perms.MANAGE_PIPELINE)
    target = registry_selectors.get_enterprise(payload.target_id)
    data = {k: v for k, v in payload.dict(exclude={"target_id"}).items() if v not in (None, "")}
    if data.get("node"):
        data["chain"] = data["node"].split(".")[0]
    return 201, services.create_project(target, request.user, data)


@router.post("/projects/{project_id}/move", response=responses({200: ProjectOut}, 400, 404, 409))
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


@router.post("/projects/{project_id}/activities", response=responses({201: dict}, 400, 404, 409))
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
