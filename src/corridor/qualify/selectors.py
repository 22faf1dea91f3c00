"""Qualification reads: latest assessments, stored evaluations, cultivation lists and headline counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from corridor.atlas import selectors as atlas_selectors
from corridor.core.params import id_param, int_param
from corridor.engine.qualify import Policy
from corridor.engine.qualify import metrics as m
from corridor.errors import NotFound, ValidationFailed
from corridor.qualify import policies as stored
from corridor.qualify.models import (
    Assessment,
    CultivationSnapshot,
    Evaluation,
    PolicyVersion,
    Verdict,
)
from corridor.registry import selectors as registry_selectors

LISTS = ("qualified", "near", "expiring")
TITLE_POLICIES = {"high_tech", "tech_sme", "innovative_sme", "specialised_sme", "little_giant"}
TITLE_POLICIES |= {"above_scale"}
SIZE_BANDS = ("large", "medium", "small", "micro", "unknown")


def latest_assessments(ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """Per enterprise, the latest assessment of each key (by as-of day, then entry) in the engine's
    input shape: {key: {value, source, as_of, by}}."""
    found: dict[int, dict[str, dict[str, Any]]] = {}
    wanted = set(ids)
    rows = (
        Assessment.objects.filter(registry_selectors.ids_condition("enterprise_id", sorted(ids)))
        .order_by("enterprise_id", "key", "as_of", "pk")
        .values_list("enterprise_id", "key", "value", "source", "as_of", "entered_by__username")
    )
    for pk, key, value, source, as_of, by in rows:
        if pk not in wanted or key not in m.ASSESSMENTS:
            continue  # a key a later engine dropped: kept in history, not read
        found.setdefault(pk, {})[key] = {
            "value": value,
            "source": source,
            "as_of": as_of.isoformat(),
            "by": by or "",
        }
    return found


def assessment_history(enterprise_id: int) -> QuerySet[Assessment]:
    """Every assessment entered for an enterprise, newest first, with who entered it."""
    return (
        Assessment.objects.filter(enterprise_id=enterprise_id)
        .select_related("entered_by")
        .order_by("-as_of", "-pk")
    )


def policy_versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("uploaded_by").order_by("policy_id", "version")


def get_policy_version(key: str) -> PolicyVersion:
    policy_id, _sep, version = key.partition("@")
    row = PolicyVersion.objects.filter(policy_id=policy_id, version=version).first()
    if row is None:
        raise NotFound(f"No policy version {key}.")
    return row


def policy_in_force(policy_id: str, on: dt.date) -> Policy:
    """The version of a policy in force on a day, or NotFound."""
    for policy in stored.in_force(on):
        if policy.id == policy_id:
            return policy
    raise NotFound(f"No version of policy {policy_id} is in force on {on.isoformat()}.")


def current_evaluations(enterprise_id: int) -> list[Evaluation]:
    """The enterprise's current stored evaluation under each policy version."""
    return list(
        Evaluation.objects.filter(enterprise_id=enterprise_id, is_current=True).order_by(
            "policy_id", "-version"
        )
    )


LOCALITIES = ("local", "all", "external")


@dataclass(frozen=True)
class ListFilters:
    """The cultivation list's filters, from the query string (bad numbers are a 4xx, not a 500)."""

    park_id: int | None = None
    node: str = ""
    county_code: str = ""
    size_band: str = ""
    days: int = 180  # titles expiring within this many days
    # The district's own enterprises by default, as the registry opens; "all" is the national pool.
    locality: str = "local"

    @classmethod
    def from_query(cls, params: Any) -> ListFilters:
        size = str(params.get("size_band", "") or "")
        if size and size not in SIZE_BANDS:
            raise ValidationFailed(
                _("%(value)s is not a size band") % {"value": size[:40]},
                field="size_band",
                value=size[:40],
            )
        node = str(params.get("node", "") or "")[:80]
        if node and node not in atlas_selectors.node_index():
            raise ValidationFailed(
                _("%(value)s is not a node of the current atlas") % {"value": node},
                field="node",
                value=node,
            )
        locality = str(params.get("locality", "") or "local")
        if locality not in LOCALITIES:
            raise ValidationFailed(
                _("locality must be one of %(allowed)s") % {"allowed": ", ".join(LOCALITIES)},
                field="locality",
                value=locality[:40],
            )
        return cls(
            locality=locality,
            park_id=id_param(params, "park"),
            node=node,
            county_code=str(params.get("county", "") or "")[:6],
            size_band=size,
            days=int_param(params, "days", 180, 1, 3660),
        )

    def query(self) -> dict[str, str]:
        found = {"park": str(self.park_id or ""), "node": self.node, "county": self.county_code}
        found |= {"size_band": self.size_band, "days": str(self.days)}
        found |= {"locality": self.locality if self.locality != "local" else ""}
        return {k: v for k, v in found.items() if v}


def _narrow(qs: QuerySet[Evaluation], f: ListFilters) -> QuerySet[Evaluation]:
    qs = qs.filter(enterprise__deleted_at__isnull=True)
    if f.locality != "all":
        qs = qs.filter(enterprise__is_local=f.locality == "local")
    if f.park_id is not None:
        qs = qs.filter(enterprise__park_id=f.park_id)
    if f.county_code:
        qs = qs.filter(enterprise__county_code=f.county_code)
    if f.size_band:
        qs = qs.filter(enterprise__size_band=f.size_band)
    if f.node:
        on_node = atlas_selectors.node_enterprises(f.node, local=None).values("enterprise_id")
        qs = qs.filter(enterprise_id__in=on_node)
    return qs


def _titled(policy_id: str, on: dt.date) -> Q:
    held = registry_selectors.titles_held_in_force(on).filter(
        title=policy_id, enterprise=OuterRef("enterprise_id")
    )
    return Q(Exists(held))


def cultivation_list(
    policy: Policy, kind: str, filters: ListFilters, on: dt.date
) -> QuerySet[Evaluation]:
    """One cultivation list of a policy version: qualified but not titled, near (fewest criteria to
    close, then closest to the thresholds first), or titled with the title expiring within N days."""
    if kind not in LISTS:
        raise NotFound(
            _("No cultivation list %(kind)s; known: %(known)s.")
            % {"kind": kind[:40], "known": ", ".join(LISTS)}
        )
    qs = Evaluation.objects.filter(policy_id=policy.id, version=policy.version, is_current=True)
    qs = _narrow(qs, filters).select_related("enterprise")
    if kind == "qualified":
        qs = qs.filter(verdict=Verdict.QUALIFIED)
        if policy.id in TITLE_POLICIES:
            qs = qs.exclude(_titled(policy.id, on))
        return qs.order_by("-score", "enterprise__name", "pk")
    if kind == "near":
        return qs.filter(verdict=Verdict.NEAR).order_by("gap_count", "-gap_progress", "pk")
    end = on + dt.timedelta(days=filters.days)
    expiring = registry_selectors.titles_held_in_force(on).filter(
        title=policy.id, expires_on__lte=end, enterprise=OuterRef("enterprise_id")
    )
    return qs.filter(Exists(expiring)).order_by("enterprise__name", "pk")


def title_expiry(enterprise_ids: list[int], title: str) -> dict[int, dt.date | None]:
    """The latest expiry day of a title per enterprise (for the expiring list's column)."""
    found: dict[int, dt.date | None] = {}
    rows = registry_selectors.titles_held_in_force().filter(
        enterprise_id__in=enterprise_ids, title=title
    )
    for pk, day in rows.values_list("enterprise_id", "expires_on"):
        if day is not None and (found.get(pk) is None or day > found[pk]):  # type: ignore[operator]
            found[pk] = day
    return found


def verdict_counts(on: dt.date) -> list[dict[str, Any]]:
    """Per policy version in force: the size of its "qualified, not titled" and "near" lists for the
    district's own enterprises (the very lists the counts link to), kept in the cache until an
    evaluation is written or the registry changes."""
    last = Evaluation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    key = f"qualify-counts:v2:{last}:{registry_selectors.registry_stamp()}:{on.isoformat()}"
    counts = cache.get(key)
    policies = stored.in_force(on)
    if counts is None:
        f = ListFilters()
        counts = {
            (p.id, p.version, kind): cultivation_list(p, kind, f, on).count()
            for p in policies
            for kind in ("qualified", "near")
        }
        cache.set(key, counts, 3600)
    return [
        {
            "policy": policy,
            "qualified": counts.get((policy.id, policy.version, "qualified"), 0),
            "near": counts.get((policy.id, policy.version, "near"), 0),
        }
        for policy in policies
    ]


def evaluated_count(local: bool = True) -> int:
    """Enterprises with a current evaluation (the district's own by default)."""
    rows = Evaluation.objects.filter(is_current=True, enterprise__deleted_at__isnull=True)
    if local:
        rows = rows.filter(enterprise__is_local=True)
    return rows.values("enterprise_id").distinct().count()


def list_sizes(policy: Policy, on: dt.date) -> dict[str, int]:
    """Today's size of the lists of a policy version: qualified not titled, near, titled."""
    f = ListFilters()
    titled = 0
    if policy.id in TITLE_POLICIES:
        titled = (
            registry_selectors.titles_held_in_force(on)
            .filter(title=policy.id, enterprise__deleted_at__isnull=True)
            .values("enterprise_id")
            .distinct()
            .count()
        )
    return {
        "qualified_not_titled": cultivation_list(policy, "qualified", f, on).count(),
        "near": cultivation_list(policy, "near", f, on).count(),
        "titled": titled,
    }


def snapshots(policy: Policy) -> list[CultivationSnapshot]:
    """The recorded daily sizes of a policy version's lists, oldest first."""
    return list(
        CultivationSnapshot.objects.filter(policy_id=policy.id, version=policy.version).order_by(
            "day"
        )
    )
