"""Reads for investment attraction: who sees which projects, lists, the board, flags, analytics."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from corridor.atlas import selectors as atlas_selectors
from corridor.core.params import id_param
from corridor.errors import NotFound
from corridor.investment import permissions as perms
from corridor.investment.models import (
    Document,
    LostReason,
    Project,
    Stage,
    StageChange,
    StageKind,
    Team,
    YearGoal,
)
from corridor.investment.stages import LANDED_FROM, pipeline_config


def stages() -> list[Stage]:
    """Every stage in order."""
    return list(Stage.objects.order_by("order"))


def visible_team_ids(user: User) -> set[int]:
    """Teams whose projects the user sees: teams it belongs to, plus every team below one it manages."""
    ids = set(user.investment_teams.values_list("pk", flat=True))
    frontier = list(Team.objects.filter(manager=user).values_list("pk", flat=True))
    while frontier:
        ids.update(frontier)
        frontier = [
            pk
            for pk in Team.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            if pk not in ids
        ]
    return ids


def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("target", "stage", "owner", "team", "lost_reason")


def visible_projects(user: User) -> QuerySet[Project]:
    """The projects a user may see by name: all (with the permission), else own, helped and team
    projects; one who sees only the pipeline's outcome (the leader) sees the signed and landed
    projects (stages of kind won), read-only."""
    qs = _projects()
    if user.has_perm(perms.VIEW_ALL_PROJECTS):
        return qs
    if not user.has_perm(perms.VIEW_PROJECT):
        if user.has_perm(perms.VIEW_PIPELINE_SUMMARY):
            return qs.filter(stage__kind=StageKind.WON)
        return qs.none()
    return qs.filter(
        Q(owner=user) | Q(helpers=user) | Q(team_id__in=visible_team_ids(user))
    ).distinct()


def counted_projects(user: User) -> QuerySet[Project]:
    """The projects the funnel and the year's goals count: the visible ones; for one who sees the
    pipeline's outcome only (the leader), every project (counted, never listed by name)."""
    if not user.has_perm(perms.VIEW_PROJECT) and user.has_perm(perms.VIEW_PIPELINE_SUMMARY):
        return _projects()
    return visible_projects(user)


def works_the_pipeline(user: User) -> bool:
    """Whether the user works projects (board, follow-ups), not only reads the outcome."""
    return user.has_perm(perms.VIEW_PROJECT)


def sees_the_pipeline(user: User) -> bool:
    """Whether the user may open the funnel and the signed and landed projects."""
    return user.has_perm(perms.VIEW_PROJECT) or user.has_perm(perms.VIEW_PIPELINE_SUMMARY)


def get_project(user: User, pk: int) -> Project:
    """One visible project, or NotFound (projects the user may not see do not exist for it)."""
    project = visible_projects(user).filter(pk=pk).first()
    if project is None:
        raise NotFound(_("No such project: %(pk)s") % {"pk": pk})
    return project


PHASES = ("signed", "landed")


@dataclass(frozen=True)
class ProjectFilters:
    q: str = ""
    stage: str = ""
    chain: str = ""
    owner: str = ""
    flag: str = ""  # overdue | stale
    phase: str = ""  # signed (a stage of kind won) | landed (registered or later)
    import_id: int | None = None  # the projects one import created

    @classmethod
    def from_query(cls, params: Any) -> ProjectFilters:
        return cls(
            **{
                k: "".join(ch for ch in str(params.get(k, "")) if ch.isprintable())[:80]
                for k in ("q", "stage", "chain", "owner", "flag")
            },
            phase=str(params.get("phase", "")) if params.get("phase") in PHASES else "",
            import_id=id_param(params, "import"),
        )


def project_list(user: User, filters: ProjectFilters) -> QuerySet[Project]:
    """Visible projects narrowed by the filters."""
    qs = visible_projects(user)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(target__name__icontains=filters.q))
    if filters.stage:
        qs = qs.filter(stage__key=filters.stage)
    if filters.chain:
        qs = qs.filter(chain=filters.chain)
    if filters.owner:
        qs = qs.filter(owner__username=filters.owner)
    if filters.import_id:
        qs = qs.filter(created_by_import_id=filters.import_id)
    if filters.phase:
        qs = qs.filter(stage__kind=StageKind.WON)
    if filters.phase == "landed":
        landed = Stage.objects.filter(key=LANDED_FROM).values("order")[:1]
        qs = qs.filter(stage__order__gte=Subquery(landed))
    today = timezone.localdate()
    if filters.flag == "overdue":
        qs = qs.filter(is_open=True, next_follow_up__lt=today)
    elif filters.flag == "stale":
        first = pipeline_config()["stale_days"][0]
        qs = qs.filter(is_open=True, last_activity_at__lt=timezone.now() - dt.timedelta(days=first))
    return qs.order_by("stage__order", "-updated_at")


def stale_level(project: Project, now: dt.datetime | None = None) -> int:
    """0 when active; 1, 2, 3 when no activity for the configured 7 / 14 / 30 days (open projects)."""
    if not project.is_open or project.stage.kind == StageKind.LOST:
        return 0
    days = ((now or timezone.now()) - project.last_activity_at).days
    return sum(days >= limit for limit in pipeline_config()["stale_days"])


def is_overdue(project: Project, today: dt.date | None = None) -> bool:
    """The next follow-up date has passed."""
    return bool(
        project.is_open
        and project.next_follow_up
        and project.next_follow_up < (today or timezone.localdate())
    )


def board(user: User, filters: ProjectFilters) -> list[dict[str, Any]]:
    """Kanban columns: every stage with its visible projects and the flags of each card."""
    projects = list(project_list(user, filters))
    by_stage: dict[int, list[dict[str, Any]]] = defaultdict(list)
    now, today = timezone.now(), timezone.localdate()
    for p in projects:
        by_stage[p.stage_id].append(
            {
                "project": p,
                "stale": stale_level(p, now),
                "overdue": is_overdue(p, today),
                "days": max(0, (now - p.stage_entered_at).days),
            }
        )
    return [
        {
            "stage": s,
            "cards": by_stage.get(s.pk, []),
            "amount": sum(
                (c["project"].investment_amount or Decimal(0)) for c in by_stage.get(s.pk, [])
            ),
        }
        for s in stages()
    ]


FOLLOW_UPS_SHOWN = 5  # the follow-up list shows this many, the rest behind "show all"


def follow_ups(user: User) -> dict[str, Any]:
    """The user's own open projects that are overdue or stale (for the home page, the board and
    the digest). `items` lists each due project once with both its flags (a project both overdue
    and stale was listed twice, once per flag): overdue first, longest overdue first, then the
    longest without activity."""
    now, today = timezone.now(), timezone.localdate()
    mine = list(_projects().filter(owner=user, is_open=True))
    items: list[dict[str, Any]] = [
        {"project": p, "overdue": is_overdue(p, today), "stale": stale_level(p, now)} for p in mine
    ]
    items = [i for i in items if i["overdue"] or i["stale"]]
    items.sort(
        key=lambda i: (
            not i["overdue"],
            i["project"].next_follow_up if i["overdue"] else dt.date.max,
            i["project"].last_activity_at,
        )
    )
    return {
        "items": items,
        "shown": items[:FOLLOW_UPS_SHOWN],
        "more": items[FOLLOW_UPS_SHOWN:],
        "overdue": [i["project"] for i in items if i["overdue"]],
        "stale": [i["project"] for i in items if i["stale"]],
    }


def digest() -> dict[User, dict[str, list[Project]]]:
    """Every owner's overdue and stale projects (the daily digest)."""
    owners = User.objects.filter(
        owned_projects__is_open=True, owned_projects__deleted_at__isnull=True
    ).distinct()
    out = {}
    for owner in owners:
        items = follow_ups(owner)
        if items["overdue"] or items["stale"]:
            out[owner] = items
    return out


# --- analytics ------------------------------------------------------------------------------------


def funnel(user: User, group: str = "") -> dict[str, Any]:
    """How many visible projects reached each stage (ever), conversion from the previous stage,
    average days spent in each stage, optionally per chain or per owner."""
    ordered = [s for s in stages() if s.kind in (StageKind.OPEN, StageKind.WON)]
    projects = {p.pk: p for p in counted_projects(user)}
    reached: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    days: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    changes = StageChange.objects.filter(project_id__in=list(projects)).order_by(
        "project_id", "at", "id"
    )
    last: dict[int, StageChange] = {}
    for change in changes:
        p = projects[change.project_id]
        key = _group_key(p, group)
        reached[key][change.to_stage_id].add(p.pk)
        previous = last.get(p.pk)
        if previous is not None:
            spent = (change.at - previous.at).total_seconds() / 86400
            days[key][previous.to_stage_id].append(spent)
        last[p.pk] = change
    order = {s.pk: s.order for s in ordered}
    labels = _chain_names() if group == "chain" else {}
    groups = []
    for key, per_stage in sorted(reached.items()):
        # reaching a later stage implies passing the earlier ones (a project may skip a stage)
        counts = []
        for s in ordered:
            ids = set().union(*(v for sid, v in per_stage.items() if order.get(sid, -1) >= s.order))
            counts.append(len(ids))
        rows = []
        for i, s in enumerate(ordered):
            prev = counts[i - 1] if i else None
            stays = days[key][s.pk]
            rows.append(
                {
                    "stage": s,
                    "count": counts[i],
                    "rate": (counts[i] / prev) if prev else None,
                    "days": sum(stays) / len(stays) if stays else None,  # this group's own
                }
            )
        groups.append({"key": key, "label": labels.get(key, key), "rows": rows})
    return {"stages": ordered, "groups": groups}


def _chain_names() -> dict[str, str]:
    """Chain keys → names in the active language (the funnel names chains, never keys)."""
    english = (get_language() or "").startswith("en")
    names = {c.key: c.name_en if english else c.name_zh for c in atlas_selectors.chains()}
    return {**names, "—": _("No chain given")}  # _group_key's group of projects without a chain


def _group_key(project: Project, group: str) -> str:
    if group == "chain":
        return project.chain or "—"
    if group == "owner":
        return project.owner.get_username()
    return ""


def goals(user: User, year: int | None = None) -> dict[str, Any]:
    """Signed and landed investment of a year (visible projects) against the year's goals."""
    year = year or timezone.localdate().year
    goal = YearGoal.objects.filter(year=year).first()
    visible = counted_projects(user)
    signed = sum((p.investment_amount or Decimal(0)) for p in visible.filter(signed_on__year=year))
    landed = sum(
        (p.investment_amount or Decimal(0)) for p in visible.filter(registered_on__year=year)
    )
    return {
        "year": year,
        "signed": signed,
        "landed": landed,
        "signed_goal": goal.signed_amount if goal else None,
        "landed_goal": goal.landed_amount if goal else None,
    }


def teams() -> QuerySet[Team]:
    """Every team."""
    return Team.objects.select_related("parent", "manager")


def lost_reasons() -> QuerySet[LostReason]:
    """The lost reasons in order."""
    return LostReason.objects.all()


def get_document(project: Project, pk: int) -> Document:
    """One document of a project, or NotFound."""
    document = project.documents.filter(pk=pk).first()
    if document is None:
        raise NotFound(_("No such document: %(pk)s") % {"pk": pk})
    return document


def timeline(project: Project) -> list[dict[str, Any]]:
    """Stage changes, activities and documents of a project, newest first."""
    items: list[dict[str, Any]] = []
    for c in project.stage_changes.select_related("from_stage", "to_stage", "by"):
        items.append({"at": c.at, "type": "stage", "item": c})
    for a in project.activities.select_related("by"):
        items.append({"at": a.at, "type": "activity", "item": a})
    for d in project.documents.select_related("uploaded_by"):
        items.append({"at": d.uploaded_at, "type": "document", "item": d})
    return sorted(items, key=lambda i: i["at"], reverse=True)


def requirements_by_stage(project: Project) -> dict[str, list[str]]:
    """For every stage, what the project's fields and documents still lack to enter it.

    The reason a hold or a loss needs is asked in the move form, so it is not listed here.
    """
    from corridor.investment.stages import attached_kinds, missing_requirements

    kinds = attached_kinds(project)  # one query for all stages
    return {
        stage.key: missing_requirements(project, stage, reason="-", lost_reason=True, kinds=kinds)
        for stage in stages()
    }


def funnel_chart(data: dict[str, Any], language: str) -> dict[str, Any]:
    """ECharts funnel of the first group (all visible projects when not grouped)."""
    rows = data["groups"][0]["rows"] if data["groups"] else []
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
        "series": [
            {
                "type": "funnel",
                "sort": "none",
                "left": "10%",
                "width": "80%",
                "minSize": "12%",  # the last stages keep room for their label ("达产 2")
                "label": {"show": True, "position": "inside", "formatter": "{b} {c}"},
                "data": [{"name": r["stage"].name(language), "value": r["count"]} for r in rows],
            }
        ],
    }


def target_lists() -> QuerySet[Any]:
    """Saved target lists, newest first."""
    from corridor.investment.models import TargetList

    return TargetList.objects.select_related("created_by").order_by("-created_at")


def stage_by_key(key: str) -> Stage | None:
    """A stage by its key."""
    return Stage.objects.filter(key=key).first()


def lost_reason_by_key(key: str) -> LostReason | None:
    """A lost reason by its key."""
    return LostReason.objects.filter(key=key).first()
