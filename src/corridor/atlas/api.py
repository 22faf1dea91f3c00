"""Atlas API: chains, weak links, enterprise links and decisions, text classification."""

from __future__ import annotations

from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from corridor.accounts.auth import require_perm
from corridor.atlas import permissions as perms
from corridor.atlas import selectors, services
from corridor.core.api_errors import TEXT_RULE, BodyIn, domain_rules, responses
from corridor.core.views import SignedInRequest
from corridor.engine.chains import chain_to_dict
from corridor.errors import ValidationFailed
from corridor.registry import selectors as registry_selectors

router = Router(tags=["atlas"])
MAX_TEXT = 20_000


class ChainOut(Schema):
    key: str
    name_zh: str
    name_en: str
    version: int
    leader_name: str
    anchors: list[int]


class WeakLinkOut(Schema):
    node: str
    name_zh: str
    name_en: str
    score: float | None  # None when the verdict is no_data
    verdict: str  # scored | no_data (no enterprise on the node locally or nationally)
    parts: dict[str, dict[str, float | None]]
    enterprises: int
    lq: float | None
    upstream: list[str]
    upstream_covered: list[str]


class WeightsIn(Schema):
    """Weak-link weights w_<measure>, each 0..10 (the default where absent), declared so clients
    and schemathesis know the range; selectors.parse_weights reads them (one rule, one home).
    One field per measure of engine.gaps.DEFAULT_WEIGHTS (a test keeps them in step)."""

    w_enterprises: float | None = Field(None, ge=0, le=selectors.WEIGHT_MAX)
    w_revenue: float | None = Field(None, ge=0, le=selectors.WEIGHT_MAX)
    w_employees: float | None = Field(None, ge=0, le=selectors.WEIGHT_MAX)
    w_titled: float | None = Field(None, ge=0, le=selectors.WEIGHT_MAX)
    w_leader: float | None = Field(None, ge=0, le=selectors.WEIGHT_MAX)
    w_lq: float | None = Field(None, ge=0, le=selectors.WEIGHT_MAX)
    w_coverage: float | None = Field(None, ge=0, le=selectors.WEIGHT_MAX)


class LinkOut(Schema):
    node: str
    confidence: float
    rule_confidence: float
    effective: bool
    status: str
    classifier_version: str
    evidence: list[dict[str, Any]]
    note: str


class DecisionIn(BodyIn):
    node: str
    status: Literal["confirmed", "uncertain", "rejected"]  # models.DECIDED
    note: str = Field("", max_length=300)


# What a decision can be refused for that the schema cannot state.
DECISION_RULES = domain_rules(
    ("node", "", "node is a node of the current atlas"),
    TEXT_RULE,
)


class TextIn(BodyIn):
    name: str = Field("", max_length=MAX_TEXT)
    scope: str = Field("", max_length=MAX_TEXT)
    products: str = Field("", max_length=MAX_TEXT)


class ClassifiedOut(Schema):
    labels: list[str]
    confidence: dict[str, float]
    evidence: list[dict[str, Any]]
    classifier_version: str


@router.get("/chains", response=responses({200: list[ChainOut]}))
def list_chains(request: SignedInRequest):  # type: ignore[no-untyped-def]
    require_perm(request, perms.VIEW_CHAIN)
    return [
        ChainOut(
            key=c.key,
            name_zh=c.name_zh,
            name_en=c.name_en,
            version=c.current_version,
            leader_name=c.leader_name,
            anchors=[a.pk for a in c.anchors.all()],
        )
        for c in selectors.chains().prefetch_related("anchors")
    ]


@router.get("/chains/{key}/definition", response=responses({200: dict[str, Any]}, 404))
def chain_definition(request: SignedInRequest, key: str):  # type: ignore[no-untyped-def]
    require_perm(request, perms.VIEW_CHAIN)
    return chain_to_dict(selectors.definition_of(selectors.get_chain(key)))


@router.get("/chains/{key}/weak-links", response=responses({200: list[WeakLinkOut]}, 404))
def weak_links(request: SignedInRequest, key: str, weights: Query[WeightsIn]):  # type: ignore[no-untyped-def]
    require_perm(request, perms.VIEW_CHAIN)
    ranked = selectors.weak_links(selectors.get_chain(key), selectors.parse_weights(request.GET))
    return [
        WeakLinkOut(
            node=r["node"].id,
            name_zh=r["node"].name_zh,
            name_en=r["node"].name_en,
            score=r["result"].score,
            verdict=r["result"].verdict,
            parts={
                p.name: {
                    "value": p.value,
                    "strength": p.strength,
                    "weight": p.weight,
                    "points": p.contribution,
                }
                for p in r["result"].parts
            },
            enterprises=r["facts"].enterprises,
            lq=r["facts"].lq,
            upstream=list(r["facts"].upstream),
            upstream_covered=list(r["facts"].upstream_covered),
        )
        for r in ranked
    ]


@router.get("/enterprises/{enterprise_id}/links", response=responses({200: list[LinkOut]}, 404))
def enterprise_links(request: SignedInRequest, enterprise_id: int):  # type: ignore[no-untyped-def]
    require_perm(request, perms.VIEW_CHAIN)
    return selectors.links_of(registry_selectors.get_enterprise(enterprise_id))


@router.post(
    "/enterprises/{enterprise_id}/decisions",
    response=responses({200: LinkOut}, 400, 404, 409),
    openapi_extra=DECISION_RULES,
)
def decide(request: SignedInRequest, enterprise_id: int, payload: DecisionIn):  # type: ignore[no-untyped-def]
    require_perm(request, perms.REVIEW_LINKS)
    enterprise = registry_selectors.get_enterprise(enterprise_id)
    return services.decide_link(
        enterprise, payload.node, payload.status, request.user, payload.note
    )


@router.post("/classify", response=responses({200: ClassifiedOut}, 400, 409))
def classify_text(request: SignedInRequest, payload: TextIn):  # type: ignore[no-untyped-def]
    require_perm(request, perms.VIEW_CHAIN)
    for field in ("name", "scope", "products"):
        if len(getattr(payload, field)) > MAX_TEXT:
            raise ValidationFailed(
                _("%(field)s is longer than %(max)d characters")
                % {"field": field, "max": MAX_TEXT},
                field=field,
            )
    classifier = selectors.live_classifier()
    found = classifier.classify(payload.name, payload.scope, payload.products)
    return ClassifiedOut(
        labels=list(found.labels),
        confidence={n: round(found.results[n].confidence, 4) for n in found.labels},
        evidence=[e.as_dict() for n in found.labels for e in found.results[n].evidence],
        classifier_version=classifier.version,
    )
