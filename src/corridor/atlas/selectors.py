"""Reads for the atlas: chains, node statistics, weak links, relatedness, the review queue."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import math
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from corridor.accounts import selectors as accounts
from corridor.atlas import chains as packaged
from corridor.atlas.models import (
    Chain,
    ChainVersion,
    ClassificationRun,
    LearnedModel,
    LinkStatus,
    NodeLink,
)
from corridor.core.memo import per_request
from corridor.core.params import number_param
from corridor.engine import complexity, gaps
from corridor.engine.chains import Chain as ChainDef
from corridor.engine.chains import Node, parse_chain
from corridor.engine.classify_model import Classifier
from corridor.errors import NotFound, ValidationFailed
from corridor.registry import selectors as registry
from corridor.registry.models import Enterprise, EnterpriseStatus, SizeBand, TitleKind

LEADER_BANDS = (SizeBand.LARGE, SizeBand.MEDIUM)
PEER_GROUPS = {
    "all": None,  # every city
    "yrd": ("31", "32", "33", "34"),  # Yangtze River Delta: Shanghai, Jiangsu, Zhejiang, Anhui
    "zhejiang": ("33",),
}


def chains() -> QuerySet[Chain]:
    """Every chain in the atlas order."""
    return Chain.objects.all()


def get_chain(key: str) -> Chain:
    """One chain by key, or NotFound."""
    chain = Chain.objects.filter(key=key).first() if key.isascii() and key.isalnum() else None
    if chain is None:
        raise NotFound(_("No such chain: %(key)s") % {"key": key})
    return chain


def current_definition(chain: Chain) -> dict[str, Any]:
    """A copy of the chain's current definition (a plain dict, for editing)."""
    version = chain.versions.filter(number=chain.current_version).first()
    if version is None:
        raise NotFound(_("Chain %(key)s has no current version.") % {"key": chain.key})
    return copy.deepcopy(version.definition)


def live_classifier() -> Classifier:
    """The classifier of the current chain versions and the newest learned model."""
    definitions = {c.key: current_definition(c) for c in Chain.objects.all()}
    if not definitions:
        return packaged.packaged_classifier()
    chains = packaged.parse_atlas(definitions)
    stored = LearnedModel.objects.order_by("-created_at").first()
    if stored is not None:
        model_json: str | None = stored.weights
    else:
        model = packaged.packaged_model()
        model_json = model.to_json() if model else None
    return packaged.build_classifier(chains, model_json)


def definition_of(chain: Chain, number: int | None = None) -> ChainDef:
    """The parsed definition of a chain's current (or a given) version."""
    if number is None or number == chain.current_version:
        current = all_definitions().get(chain.key)
        if current is not None:
            return current
    version = ChainVersion.objects.filter(
        chain=chain, number=number or chain.current_version
    ).first()
    if version is None:
        raise NotFound(
            _("Chain %(key)s has no version %(number)s.") % {"key": chain.key, "number": number}
        )
    return parse_chain(version.definition)


def versions_of(chain: Chain) -> QuerySet[ChainVersion]:
    """A chain's versions, newest first."""
    return chain.versions.select_related("created_by").order_by("-number")


def all_definitions() -> dict[str, ChainDef]:
    """Every chain's current definition by key (one small query, once per request)."""
    return per_request("atlas:definitions", _load_definitions)


# Parsed definitions by (ChainVersion id, its creation time): a version is never edited (an edit
# creates a new one); parsing all chains cost ~20 ms per request. The creation time is in the key
# because ids alone repeat where a database is rolled back and rebuilt (tests, a restored backup).
_PARSED: dict[tuple[int, str], ChainDef] = {}


def _load_definitions() -> dict[str, ChainDef]:
    current = list(Chain.objects.all())
    wanted = Q(pk__in=[])
    for c in current:
        wanted |= Q(chain_id=c.pk, number=c.current_version)
    versions = ChainVersion.objects.filter(wanted).only("id", "chain_id", "created_at")
    by_chain = {v.chain_id: (v.pk, v.created_at.isoformat()) for v in versions} if current else {}
    missing = {pk for pk, at in by_chain.values() if (pk, at) not in _PARSED}
    for version in ChainVersion.objects.filter(pk__in=missing) if missing else []:
        _PARSED[(version.pk, version.created_at.isoformat())] = parse_chain(version.definition)
    out: dict[str, ChainDef] = {}
    for chain in current:  # in the atlas order
        if chain.pk not in by_chain:
            raise NotFound(
                _("Chain %(key)s has no version %(number)s.")
                % {"key": chain.key, "number": chain.current_version}
            )
        out[chain.key] = _PARSED[by_chain[chain.pk]]
    return out


def node_index() -> dict[str, Node]:
    """Every node of the current atlas by id (once per request)."""
    return per_request(
        "atlas:node_index", lambda: {n.id: n for d in all_definitions().values() for n in d.nodes}
    )


def node_groups() -> list[tuple[ChainDef, list[Node]]]:
    """Each chain with its nodes, in definition order: for pickers grouped by chain (names, not ids)."""
    return [(d, list(d.nodes)) for d in all_definitions().values()]


def _effective(local: bool | None = None) -> QuerySet[NodeLink]:
    qs = NodeLink.objects.filter(effective=True, enterprise__deleted_at__isnull=True)
    if local is not None:
        qs = qs.filter(enterprise__is_local=local)
    return qs


def atlas_stamp() -> str:
    """Changes whenever links, chains or registry data change (read once per request)."""
    return per_request("atlas:stamp", _atlas_stamp)


def _atlas_stamp() -> str:
    """Changes whenever links, chains or registry data change: the key of cached atlas figures.

    Built from small or indexed reads only (it runs on every atlas page): the last run, the last
    decision, chain versions, the last audit event on an atlas record (chain owners, anchors),
    and the registry's change stamp (edits, imports applied or reverted). Audit events of other
    apps (projects, users) leave it alone: the pool of target candidates and the map, which take
    seconds to build on a national registry, are kept under it.
    """
    from corridor.atlas.models import DECIDED

    run = ClassificationRun.objects.filter(status="done").aggregate(m=Max("finished_at"))["m"]
    decided = NodeLink.objects.filter(status__in=DECIDED).aggregate(m=Max("decided_at"))["m"]
    versions = "-".join(f"{c.key}{c.current_version}" for c in Chain.objects.all())
    edited = accounts.last_event_of_app("atlas")
    return f"{run}|{decided}|{versions}|{edited}|{registry.registry_stamp()}"


# This process's recent values by key, newest last: keys carry the atlas stamp, so an entry never
# goes stale; it saves unpickling the national matrix and the local statistics on every request.
_RECENT: OrderedDict[str, Any] = OrderedDict()
_RECENT_SIZE = 32


def _cached(name: str, build: Any) -> Any:
    """The value under the atlas stamp: this process's memo, else the shared cache, else built.

    Values are shared between requests and workers' threads: callers must not change them.
    """
    # A stable digest: Python's hash() of a str differs in every process (PYTHONHASHSEED), so
    # no worker would ever find what another one stored.
    digest = hashlib.sha256(atlas_stamp().encode()).hexdigest()[:32]
    key = f"atlas:{name}:{digest}"
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, 3600)
    _RECENT[key] = value
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return value


# --- local statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalNode:
    node: str
    enterprises: int
    revenue: float
    employees: int
    titled: int
    leaders: tuple[int, ...]  # enterprise ids


def titled_ids(local: bool = True, day: dt.date | None = None) -> set[int]:
    """Enterprises holding any title in force on a day."""
    day = day or timezone.localdate()
    qs = registry.titles_held_in_force(day)
    if local:
        qs = qs.filter(enterprise__is_local=True)
    return set(qs.values_list("enterprise_id", flat=True))


def anchor_ids() -> set[int]:
    """Every chain's anchor enterprises (链主)."""
    return set(Chain.anchors.through.objects.values_list("enterprise_id", flat=True))


def local_nodes() -> dict[str, LocalNode]:
    """Per node: the district's enterprises, revenue, employees, titled and leading enterprises."""
    return _cached("local", _build_local_nodes)


def _build_local_nodes() -> dict[str, LocalNode]:
    titled, anchors = titled_ids(), anchor_ids()
    acc: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "rev": 0.0, "emp": 0, "titled": 0, "leaders": []}
    )
    rows = _effective(local=True).values_list(
        "node",
        "enterprise_id",
        "enterprise__latest_revenue",
        "enterprise__latest_employees",
        "enterprise__size_band",
    )
    for node, ent, revenue, employees, band in rows:
        a = acc[node]
        a["n"] += 1
        a["rev"] += float(revenue or 0)
        a["emp"] += int(employees or 0)
        a["titled"] += ent in titled
        if ent in anchors or band in LEADER_BANDS:
            a["leaders"].append(ent)
    return {
        node: LocalNode(node, a["n"], a["rev"], a["emp"], a["titled"], tuple(a["leaders"]))
        for node, a in acc.items()
    }


# --- national matrix and relatedness ---------------------------------------------------------


@dataclass(frozen=True)
class NationalMatrix:
    cities: tuple[str, ...]  # city codes
    city_names: dict[str, str]
    nodes: tuple[str, ...]  # top-level node ids
    counts: np.ndarray  # cities × nodes enterprise counts
    district: np.ndarray  # the district's counts per node


def national_matrix() -> NationalMatrix:
    """Enterprise counts per city and top-level node over the whole registry, and the district's row."""
    return _cached("national", _build_national)


def _build_national() -> NationalMatrix:
    nodes = tuple(sorted(n for n in node_index() if n.count(".") == 1))
    col = {n: i for i, n in enumerate(nodes)}
    per_city: dict[str, np.ndarray] = {}
    rows = (
        _effective()
        .filter(node__in=nodes)
        .exclude(enterprise__city_code="")
        .values_list("enterprise__city_code", "node")
        .annotate(n=Count("id"))
    )
    for city, node, n in rows:
        per_city.setdefault(city, np.zeros(len(nodes)))[col[node]] = n
    cities = tuple(sorted(per_city))
    counts = np.array([per_city[c] for c in cities]) if cities else np.zeros((0, len(nodes)))
    district = np.zeros(len(nodes))
    for node, n in (
        _effective(local=True).filter(node__in=nodes).values_list("node").annotate(n=Count("id"))
    ):
        district[col[node]] = n
    names = dict(
        Enterprise.objects.filter(city_code__in=cities)
        .values_list("city_code", "city")
        .distinct()
        .order_by()
    )
    return NationalMatrix(cities, names, nodes, counts, district)


def district_relatedness() -> tuple[NationalMatrix, complexity.DistrictView] | None:
    """The district's RCA, density and COG with φ and PCI from all cities; None without data."""
    return _cached("relatedness", _build_relatedness)  # type: ignore[no-any-return]


def _build_relatedness() -> tuple[NationalMatrix, complexity.DistrictView] | None:
    matrix = national_matrix()
    if matrix.counts.shape[0] < 2 or matrix.counts.sum() == 0 or matrix.district.sum() == 0:
        return None
    return matrix, complexity.district_view(matrix.counts, matrix.district)


def location_quotients() -> dict[str, float]:
    """The district's location quotient (RCA by enterprise counts) per top-level node; a node with
    no enterprise in the national registry has none (its LQ is 0 / 0, not 0)."""
    found = district_relatedness()
    if found is None:
        return {}
    matrix, view = found
    national = matrix.counts.sum(axis=0)
    return {n: float(view.rca[i]) for i, n in enumerate(matrix.nodes) if national[i] > 0}


def national_counts() -> dict[str, int]:
    """Enterprises per top-level node in the whole registry (every city, the district included)."""
    matrix = national_matrix()
    per_node = matrix.counts.sum(axis=0)
    return {n: int(per_node[i]) for i, n in enumerate(matrix.nodes)}


def opportunities(preset: str = "balanced") -> list[dict[str, Any]]:
    """Atlas-style opportunities: nodes the district lacks, scored with every part shown."""
    found = district_relatedness()
    if found is None:
        return []
    matrix, view = found
    scores = complexity.opportunity_scores(
        view.density, view.national.pci, view.cog, view.present, preset
    )
    out = []
    for i, node in enumerate(matrix.nodes):
        if not scores.candidate[i]:
            continue
        out.append(
            {
                "node": node,
                "rca": float(view.rca[i]),
                "density": float(view.density[i]),
                "distance": float(scores.distance[i]),
                "pci": float(scores.pci[i]),
                "cog": float(scores.cog[i]),
                "from_distance": float(scores.from_distance[i]),
                "from_complexity": float(scores.from_complexity[i]),
                "from_gain": float(scores.from_gain[i]),
                "score": float(scores.score[i]),
                "local": int(matrix.district[i]),
            }
        )
    return sorted(out, key=lambda o: -o["score"])


def swot(peers: str = "all") -> list[dict[str, Any]]:
    """Metroverse-style scatter: presence (RCA against the peer group) × fit (density vs peers)."""
    found = district_relatedness()
    if found is None:
        return []
    matrix, view = found
    prefixes = PEER_GROUPS.get(peers)
    mask = np.array([prefixes is None or c[:2] in prefixes for c in matrix.cities], dtype=bool)
    peer_counts = matrix.counts[mask] if mask.sum() >= 2 else matrix.counts
    peer_m = complexity.presence(complexity.rca(peer_counts))
    peer_density = complexity.density(peer_m, view.national.proximity)
    presence_rca = complexity._row_rca(peer_counts.astype(float), matrix.district.astype(float))
    quadrants = complexity.swot_quadrants(presence_rca, view.density, peer_density)
    return [
        {
            "node": node,
            "presence": float(quadrants.presence[i]),
            "density": float(view.density[i]),
            "fit": float(quadrants.fit[i]),
            "label": str(quadrants.label[i]),
            "local": int(matrix.district[i]),
        }
        for i, node in enumerate(matrix.nodes)
    ]


# --- weak links --------------------------------------------------------------------------------


def upstream_of(definitions: Mapping[str, ChainDef]) -> dict[str, list[str]]:
    """For every node, the nodes that supply it (inside its chain and across chains)."""
    ups: dict[str, list[str]] = defaultdict(list)
    for d in definitions.values():
        for e in d.edges + d.cross_edges:
            ups[e.target].append(e.source)
    return ups


def downstream_of(definitions: Mapping[str, ChainDef]) -> dict[str, list[str]]:
    """For every node, the nodes it supplies."""
    downs: dict[str, list[str]] = defaultdict(list)
    for d in definitions.values():
        for e in d.edges + d.cross_edges:
            downs[e.source].append(e.target)
    return downs


def node_facts(chain: Chain) -> list[gaps.NodeFacts]:
    """The weak-link inputs of every top-level node of a chain."""
    definitions = all_definitions()
    local, lq, national = local_nodes(), location_quotients(), national_counts()
    ups, downs = upstream_of(definitions), downstream_of(definitions)
    out = []
    for node in definitions[chain.key].nodes:
        if node.parent is not None:
            continue
        stats = local.get(node.id) or LocalNode(node.id, 0, 0.0, 0, 0, ())
        upstream = tuple(ups.get(node.id, ()))
        covered = tuple(u for u in upstream if u in local and local[u].enterprises > 0)
        pull = sum(len(local[d].leaders) for d in downs.get(node.id, ()) if d in local)
        out.append(
            gaps.NodeFacts(
                node=node.id,
                enterprises=stats.enterprises,
                revenue=stats.revenue,
                employees=stats.employees,
                titled=stats.titled,
                leaders=len(stats.leaders),
                lq=lq.get(node.id),
                upstream=upstream,
                upstream_covered=covered,
                leaders_downstream=pull,
                national=national.get(node.id, 0),
            )
        )
    return out


def weak_links(chain: Chain, weights: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """The chain's nodes ranked weakest first, with their inputs and score parts; the nodes with no
    data to judge (nothing observed locally or nationally) follow, unscored."""
    facts = {f.node: f for f in node_facts(chain)}
    nodes = node_index()
    return [
        {"node": nodes[w.node], "facts": facts[w.node], "result": w}
        for w in gaps.weak_link_scores(list(facts.values()), weights)
    ]


def weakest_links(
    chain: Chain, n: int, weights: Mapping[str, float] | None = None
) -> list[dict[str, Any]]:
    """The n weakest scored nodes of a chain: what may be picked as a weak link (never a node
    with no data to judge)."""
    return [r for r in weak_links(chain, weights) if r["result"].judged][:n]


WEIGHT_MAX = 10.0  # a weak-link weight lies in [0, WEIGHT_MAX] (the page's inputs say so too)


def parse_weights(params: Mapping[str, Any]) -> dict[str, float]:
    """Weak-link weights from query parameters (w_<measure>), defaults for the rest.

    A weight that is not a number, or lies outside 0..WEIGHT_MAX, is refused (ValidationFailed,
    422) naming the parameter, its value and why; so is a set of weights that are all 0."""
    weights = dict(gaps.DEFAULT_WEIGHTS)
    for name in weights:
        value = number_param(params, f"w_{name}", low=0.0, high=WEIGHT_MAX)
        if value is not None:
            weights[name] = value
    if sum(weights.values()) <= 0:
        raise ValidationFailed(
            _("At least one weight must be above 0: with every weight 0 nothing is compared."),
            field="weights",
        )
    return weights


# --- nodes, enterprises, review ---------------------------------------------------------------


def node_enterprises(node: str, local: bool | None = True) -> QuerySet[NodeLink]:
    """The enterprises that count on a node, largest first."""
    return (
        _effective(local)
        .filter(node=node)
        .select_related("enterprise")
        .order_by("-enterprise__latest_revenue", "enterprise__name")
    )


def national_picture(node: str, top: int = 10) -> dict[str, Any]:
    """A node across the country: enterprises, leading cities with their RCA."""
    matrix = national_matrix()
    if node not in matrix.nodes or matrix.counts.shape[0] == 0:
        return {"total": 0, "cities": [], "district": 0}
    j = matrix.nodes.index(node)
    column = matrix.counts[:, j]
    rca = complexity.rca(matrix.counts)[:, j]
    order = np.argsort(-column, kind="stable")[:top]
    cities = [
        {
            "code": matrix.cities[i],
            "name": matrix.city_names.get(matrix.cities[i], matrix.cities[i]),
            "count": int(column[i]),
            "rca": float(rca[i]),
        }
        for i in order
        if column[i] > 0
    ]
    return {"total": int(column.sum()), "cities": cities, "district": int(matrix.district[j])}


def links_of(enterprise: Enterprise) -> list[NodeLink]:
    """Every stored link of an enterprise, strongest first."""
    return list(
        NodeLink.objects.filter(enterprise=enterprise)
        .select_related("decided_by")
        .order_by("-effective", "-confidence")
    )


REVIEW_LOW, REVIEW_HIGH = 0.2, 0.85


def review_queue(
    status: str = "auto", chain: str = "", local_only: bool = True
) -> QuerySet[NodeLink]:
    """Links to review, most useful first: uncertain confidence on large, local enterprises.

    priority = (1 − |2·confidence − 1|) × (1 + 2·local) × (1 + log10(1 + revenue in 万元))
    """
    qs = NodeLink.objects.filter(enterprise__deleted_at__isnull=True).select_related("enterprise")
    if status == "auto":
        qs = qs.filter(
            status=LinkStatus.AUTO, confidence__gte=REVIEW_LOW, confidence__lte=REVIEW_HIGH
        )
    else:
        qs = qs.filter(status=status)
    if chain:
        qs = qs.filter(chain=chain)
    if local_only:
        qs = qs.filter(enterprise__is_local=True)
    if status != "auto":
        return qs
    # Automatic links are reviewed on the top-level nodes: `node IN` them (indexed, a database
    # filter; a regex was evaluated in Python for every row on SQLite).
    tops = [n for n, node in node_index().items() if node.parent is None]
    return qs.filter(node__in=tops)


def review_priority(link: NodeLink) -> float:
    """The review priority of one link (see review_queue)."""
    uncertainty = 1 - abs(2 * link.confidence - 1)
    revenue = float(link.enterprise.latest_revenue or 0)
    return uncertainty * (1 + 2 * link.enterprise.is_local) * (1 + math.log10(1 + revenue))


def sorted_queue(qs: QuerySet[NodeLink], limit: int = 2000) -> list[NodeLink]:
    """The queue sorted by priority (computed in Python over a bounded candidate set)."""
    candidates = list(qs.order_by("-enterprise__latest_revenue")[:limit])
    return sorted(candidates, key=lambda link: -review_priority(link))


def live_classifier_version() -> str:
    """The version string the next classification run will record."""
    return live_classifier().version


def last_run() -> ClassificationRun | None:
    """The newest finished run over the whole registry (not a reclassification after an edit)."""
    runs = ClassificationRun.objects.filter(status="done", scope=ClassificationRun.Scope.REGISTRY)
    return runs.order_by("-finished_at").first()


def chain_enterprise_counts(local: bool = True) -> dict[str, int]:
    """Distinct enterprises on at least one node of each chain."""
    rows = _effective(local).values_list("chain").annotate(n=Count("enterprise", distinct=True))
    return dict(rows)


def inbound_cross_edges(key: str) -> list[Any]:
    """Cross-chain edges from other chains into this chain's nodes."""
    return [
        e
        for k, d in all_definitions().items()
        if k != key
        for e in d.cross_edges
        if e.target.startswith(key + ".")
    ]


def _neighbours(node_ids: list[str], limit: int = 12) -> list[dict[str, Any]]:
    """Local enterprises on the given nodes, largest first, grouped by node (kept under the
    atlas stamp: two queries per neighbouring node, on every node page otherwise)."""
    return _cached(  # type: ignore[no-any-return]
        f"neighbours:{','.join(node_ids)}:{limit}", lambda: _build_neighbours(node_ids, limit)
    )


def _build_neighbours(node_ids: list[str], limit: int) -> list[dict[str, Any]]:
    out = []
    for nid in node_ids:
        links = list(node_enterprises(nid)[:limit])
        out.append({"node": nid, "links": links, "total": node_enterprises(nid).count()})
    return out


def node_detail(node_id: str) -> dict[str, Any]:
    """Everything the node panel shows."""
    nodes = node_index()
    node = nodes.get(node_id)
    if node is None:
        raise NotFound(_("No such node: %(node)s") % {"node": node_id})
    definitions = all_definitions()
    top = node.top
    links = node_enterprises(node_id)
    local = local_nodes().get(top)
    day = timezone.localdate()
    title_counts = [
        (TitleKind(t).label, n)
        for t, n in _cached(f"titles:{node_id}:{day}", lambda: _title_counts(links, day))
    ]
    leader_ids = set(local.leaders) if local else set()
    return {
        "node": node,
        "chain": definitions[node.chain],
        "links": links,
        "children": [n for n in nodes.values() if n.parent == node_id],
        "leaders": [link for link in links[:200] if link.enterprise_id in leader_ids],
        "title_counts": title_counts,
        "local": local,
        "suppliers": _neighbours(upstream_of(definitions).get(top, [])),
        "customers": _neighbours(downstream_of(definitions).get(top, [])),
        "national": national_picture(top),
        "nodes": nodes,
        "lq": location_quotients().get(top),
    }


def _title_counts(links: QuerySet[NodeLink], day: dt.date) -> list[tuple[str, int]]:
    return list(
        registry.titles_held_in_force(day)
        .filter(enterprise_id__in=links.values("enterprise_id"), enterprise__is_local=True)
        .values_list("title")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by("title")
    )


def current_model() -> dict[str, Any]:
    """Which learned layer the classifier uses: the newest retrained one, else the packaged one."""
    stored = LearnedModel.objects.order_by("-created_at").first()
    if stored is not None:
        return {
            "version": stored.version,
            "rows": stored.trained_on,
            "decisions": stored.decisions,
            "packaged": False,
            "at": stored.created_at,
        }
    model = packaged.packaged_model()
    return {
        "version": model.version if model else "",
        "rows": model.trained_on if model else 0,
        "decisions": 0,
        "packaged": True,
        "at": None,
    }


def local_points(node: str = "") -> list[dict[str, Any]]:
    """The district's enterprises on top-level nodes (or one node), for the district map.

    One indexed read (``node IN`` the top-level nodes, not a regex run per row), cached with the
    atlas. Records without coordinates come with ``lat``/``lon`` None and their county code, so
    the map can place them inside their county; ``node`` is the node id (names are per language).
    """
    return list(_cached(f"local_points:{node}", lambda: _build_local_points(node)))


def _build_local_points(node: str) -> list[dict[str, Any]]:
    nodes = node_index()
    wanted = [node] if node else [n for n, v in nodes.items() if v.parent is None]
    rows = (
        _effective(local=True)
        .filter(node__in=wanted)
        .order_by("enterprise_id", "node")
        .values_list(
            "enterprise_id",
            "enterprise__name",
            "enterprise__latitude",
            "enterprise__longitude",
            "enterprise__latest_revenue",
            "enterprise__county_code",
            "node",
        )[:5000]
    )
    return [
        {
            "id": pk,
            "name": name,
            "lat": lat,
            "lon": lon,
            "revenue": float(revenue or 0),
            "county_code": county,
            "node": link_node,
        }
        for pk, name, lat, lon, revenue, county, link_node in rows
    ]


def chain_name(chain: Chain) -> str:
    """A chain's name in the active language."""
    return chain.name_zh if (get_language() or "zh").startswith("zh") else chain.name_en


def enterprises_on_chain(key: str) -> Q | None:
    """The registry-list condition for ?chain=KEY: on at least one node of the chain (effective links,
    as chain_enterprise_counts counts them); None for an unknown chain."""
    if not Chain.objects.filter(key=key).exists():
        return None
    return Q(Exists(_effective().filter(chain=key, enterprise=OuterRef("pk"))))


def describe_chain_filter(key: str) -> str:
    chain = Chain.objects.filter(key=key).first()
    return _("chain: %(c)s") % {"c": chain_name(chain) if chain else key}


def local_operating_per_chain() -> list[tuple[Chain, int]]:
    """Local operating enterprises on at least one node of each chain (the overview's chart)."""
    rows: dict[str, int] = _cached("operating_per_chain", _operating_per_chain)
    return [(c, rows.get(c.key, 0)) for c in chains()]


def _operating_per_chain() -> dict[str, int]:
    return dict(
        _effective(local=True)
        .filter(enterprise__status=EnterpriseStatus.OPERATING)
        .values_list("chain")
        .annotate(n=Count("enterprise", distinct=True))
    )
