"""Demo-only writes into other apps: anchors and projects on synthetic data, and their removal.

They lived in the atlas and investment services; only the demo builder calls them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from corridor.atlas.models import Chain, NodeLink
from corridor.investment.models import (
    Activity,
    LostReason,
    Project,
    Stage,
    StageChange,
    StageKind,
    TargetEntry,
    Team,
)
from corridor.qualify.models import Assessment, Evaluation
from corridor.registry.models import Enterprise

# --- atlas -----------------------------------------------------------------------------------


def forget_synthetic_atlas_links() -> None:
    """Drop links and anchor roles of synthetic enterprises (before the demo deletes them)."""
    ent = Enterprise._meta.db_table
    anchors = Chain.anchors.through._meta.db_table
    with connection.cursor() as cursor:
        for table in (NodeLink._meta.db_table, anchors):
            cursor.execute(
                f"DELETE FROM {table} WHERE enterprise_id IN (SELECT id FROM {ent} WHERE is_synthetic = %s)",
                [True],
            )


def appoint_demo_anchors(per_chain: int = 2) -> dict[str, list[int]]:
    """Make each chain's largest local synthetic enterprises its anchors (labelled synthetic)."""
    chosen: dict[str, list[int]] = {}
    for chain in Chain.objects.all():
        ids = list(
            NodeLink.objects.filter(
                chain=chain.key,
                effective=True,
                enterprise__is_local=True,
                enterprise__is_synthetic=True,
                enterprise__deleted_at__isnull=True,
            )
            .order_by("-enterprise__latest_revenue")
            .values_list("enterprise_id", flat=True)
            .distinct()[: per_chain * 5]
        )
        unique = list(dict.fromkeys(ids))[:per_chain]
        chain.anchors.set(unique)
        chosen[chain.key] = unique
    return chosen


# --- investment ------------------------------------------------------------------------------


def seed_demo_projects(owner: User, targets_by_node: dict[str, list[int]], seed: int = 2025) -> int:
    """Synthetic projects on synthetic target enterprises, spread over the stages with a
    consistent history (dates, stage log, activities). Returns how many were created."""
    rng = random.Random(f"corridor-projects:{seed}")
    team, _created = Team.objects.get_or_create(
        name="招商一科（演示）", defaults={"manager": owner}
    )
    team.members.add(owner)
    path = list(Stage.objects.filter(kind__in=(StageKind.OPEN, StageKind.WON)).order_by("order"))
    lost = Stage.objects.get(kind=StageKind.LOST)
    reasons = list(LostReason.objects.all())
    now = timezone.now()
    made = 0
    for node, ids in targets_by_node.items():
        for target_id in ids:
            if Project.objects.filter(target_id=target_id, is_open=True).exists():
                continue
            reach = min(len(path) - 1, int(rng.expovariate(0.6)))
            start = now - dt.timedelta(days=rng.randint(40, 400))
            with override("zh-hans"):
                name = _("%(name)s project") % {"name": Enterprise.objects.get(pk=target_id).name}
            project = Project.objects.create(
                name=name,
                target_id=target_id,
                chain=node.split(".")[0],
                node=node,
                owner=owner,
                team=team,
                stage=path[0],
                stage_entered_at=start,
                is_synthetic=True,
                source_channel="targeting",
                investment_amount=Decimal(rng.choice((3000, 5000, 10000, 20000, 50000))),
                expected_jobs=rng.choice((50, 80, 120, 300)),
                next_step="安排下一次走访",
                next_follow_up=(now + dt.timedelta(days=rng.randint(-10, 20))).date(),
                last_activity_at=now - dt.timedelta(days=rng.choice((1, 3, 9, 20, 40))),
                created_at=start,
            )
            _demo_history(project, path[: reach + 1], start, owner, rng)
            if rng.random() < 0.12:
                _demo_move(
                    project,
                    project.stage,
                    lost,
                    project.stage_entered_at + dt.timedelta(days=20),
                    owner,
                )
                project.lost_reason = rng.choice(reasons)
                project.is_open = False
                project.save()
            made += 1
    return made


def _demo_history(project: Project, stages: list[Stage], start: Any, owner: User, rng: Any) -> None:
    """Walk a demo project through stages, filling the dates each stage requires."""
    at = start
    StageChange.objects.create(
        project=project, from_stage=None, to_stage=stages[0], at=at, by=owner
    )
    dates = {
        "contact": "first_visit_on",
        "signed": "signed_on",
        "registered": "registered_on",
        "construction": "construction_on",
        "production": "production_on",
        "full_output": "full_output_on",
    }
    latest = timezone.now() - dt.timedelta(days=1)
    for previous, stage in zip(stages, stages[1:], strict=False):
        at = min(at + dt.timedelta(days=rng.randint(7, 60)), latest)  # history never in the future
        if stage.key in dates:
            setattr(project, dates[stage.key], at.date())
        _demo_move(project, previous, stage, at, owner)
    Activity.objects.create(
        project=project,
        kind="visit",
        at=start + dt.timedelta(days=3),
        by=owner,
        summary="演示：首次走访企业总部。",  # stored text, in the working language
    )
    project.save()


def _demo_move(project: Project, src: Stage, dst: Stage, at: Any, owner: User) -> None:
    StageChange.objects.create(project=project, from_stage=src, to_stage=dst, at=at, by=owner)
    project.stage, project.stage_entered_at = dst, at


def forget_synthetic_projects() -> None:
    """Before the demo deletes its synthetic enterprises: drop the projects and targets on them."""
    Project.all_objects.filter(Q(is_synthetic=True) | Q(target__is_synthetic=True)).delete()
    Project.all_objects.filter(landed_enterprise__is_synthetic=True).update(landed_enterprise=None)
    TargetEntry.objects.filter(enterprise__is_synthetic=True).delete()


def forget_synthetic_qualifications() -> None:
    """Before the demo deletes its synthetic enterprises: drop their evaluations and assessments."""
    table = Evaluation._meta.db_table
    ent = Enterprise._meta.db_table
    with connection.cursor() as cursor:  # millions of rows: one statement, not a queryset delete
        cursor.execute(
            f"DELETE FROM {table} WHERE enterprise_id IN "
            f"(SELECT id FROM {ent} WHERE is_synthetic = %s)",
            [True],
        )
    Assessment.objects.filter(enterprise__is_synthetic=True).delete()


DEMO_ASSESSMENT_SOURCE = "演示数据（合成）"


def seed_demo_assessments(seed: int = 2025) -> int:
    """Assessments for the local synthetic enterprises, so the demo's cultivation lists have near and
    qualified entries for the titles that need expert inputs; returns how many rows were written."""
    rng = random.Random(seed)
    today = timezone.localdate()
    ids = Enterprise.objects.filter(is_synthetic=True, is_local=True).values_list("pk", flat=True)
    rows = []
    for pk in ids.order_by("pk"):
        values: dict[str, Any] = {
            "ip_core_support": rng.random() < 0.8,
            "in_supported_field": rng.random() < 0.7,
            "innovation_score": rng.randint(55, 95),
            "no_major_incident": rng.random() < 0.97,
            "not_restricted_industry": True,
            "not_on_dishonesty_list": rng.random() < 0.98,
            "no_research_misconduct": True,
            "mainland_resident": True,
        }
        rows += [
            Assessment(enterprise_id=pk, key=k, value=v, source=DEMO_ASSESSMENT_SOURCE, as_of=today)
            for k, v in values.items()
        ]
    Assessment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
