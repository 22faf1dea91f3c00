"""Build the targeting engine's candidate table from the registry and the atlas (a read model).

For a selection of chain nodes: every operating enterprise outside the district that the atlas
places on one of them, with its facts, titles and its linkage to the district's chain.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache
from django.utils import timezone

from corridor.atlas import selectors as atlas
from corridor.atlas.models import NodeLink
from corridor.engine.targeting import Candidates
from corridor.investment.titles import LISTED_BIT, TITLE_BITS
from corridor.registry import selectors as registry
from corridor.registry.models import Enterprise, EnterpriseTag, EnterpriseYearFacts


@dataclass(frozen=True)
class Pool:
    candidates: Candidates
    node_of: dict[int, str]  # enterprise id → the selected node it fits best
    enterprises: dict[int, dict[str, Any]]  # id → name, city, province, uscc, synthetic flag
    # id → (finest region code known, latest revenue): the map totals every candidate by region
    places: dict[int, tuple[str, float]]


def _links(nodes: list[str]) -> dict[int, tuple[str, float, int]]:
    """Best (node, confidence, counted evidence) per external enterprise on the selected nodes."""
    best: dict[int, tuple[str, float, int]] = {}
    rows = NodeLink.objects.filter(
        node__in=nodes,
        effective=True,
        enterprise__is_local=False,
        enterprise__deleted_at__isnull=True,
        enterprise__status="operating",
    ).values_list("enterprise_id", "node", "confidence", "evidence")
    for ent, node, confidence, evidence in rows:
        counted = sum(1 for e in evidence or [] if not e.get("discount"))
        if ent not in best or confidence > best[ent][1]:
            best[ent] = (node, confidence, counted)
    return best


def _growth(
    ids: list[int],
) -> tuple[dict[int, float], dict[int, float], dict[int, float], dict[int, float]]:
    """Per enterprise: 3-year revenue CAGR, 2-year employee growth, R&D intensity, last equity raised."""
    facts: dict[int, dict[int, tuple[Any, ...]]] = defaultdict(dict)
    rows = EnterpriseYearFacts.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "year", "revenue", "employees", "rd_expense", "new_equity_financing"
    )
    for ent, year, revenue, employees, rd, equity in rows:
        facts[ent][year] = (revenue, employees, rd, equity)
    cagr, staff, rd_int, equity_last = {}, {}, {}, {}
    for ent, by_year in facts.items():
        years = sorted(by_year)
        last = years[-1]
        revenue, employees, rd, equity = by_year[last]
        first = next((y for y in years if y >= last - 3), last)
        if first < last and by_year[first][0] and revenue and by_year[first][0] > 0:
            cagr[ent] = (float(revenue) / float(by_year[first][0])) ** (1 / (last - first)) - 1
        two = by_year.get(last - 2)
        if two and two[1] and employees is not None:
            staff[ent] = employees / two[1] - 1
        if revenue and rd is not None and revenue > 0:
            rd_int[ent] = float(rd) / float(revenue)
        equity_last[ent] = float(equity or 0)
    return cagr, staff, rd_int, equity_last


def _titles(ids: list[int]) -> dict[int, int]:
    """Bitmask of titles in force (and listing) per enterprise."""
    mask: dict[int, int] = defaultdict(int)
    titles = registry.titles_held_in_force().filter(
        enterprise_id__in=ids, title__in=list(TITLE_BITS)
    )
    for ent, title in titles.values_list("enterprise_id", "title"):
        mask[ent] |= TITLE_BITS[title]
    for ent in EnterpriseTag.objects.filter(
        enterprise_id__in=ids, tag__contains="上市"
    ).values_list("enterprise_id", flat=True):
        mask[ent] |= LISTED_BIT
    return mask


def _linkage() -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Per node: share of its customer nodes where the district has leaders; share of its supplier
    nodes with local enterprises; and per city, the share of the district's nodes it also hosts."""
    definitions = atlas.all_definitions()
    local = atlas.local_nodes()
    ups, downs = atlas.upstream_of(definitions), atlas.downstream_of(definitions)
    supplies, buys = {}, {}
    for node in atlas.node_index():
        d, u = downs.get(node, []), ups.get(node, [])
        supplies[node] = sum(1 for x in d if x in local and local[x].leaders) / len(d) if d else 0.0
        buys[node] = sum(1 for x in u if x in local and local[x].enterprises) / len(u) if u else 0.0
    matrix = atlas.national_matrix()
    district_has = matrix.district > 0
    colocated = {}
    if district_has.any():
        for i, city in enumerate(matrix.cities):
            colocated[city] = float(
                ((matrix.counts[i] > 0) & district_has).sum() / district_has.sum()
            )
    return supplies, buys, colocated


INFO_FIELDS = (
    "pk",
    "name",
    "uscc",
    "city",
    "province",
    "city_code",
    "province_code",
    "county_code",
    "latest_revenue",
    "latitude",
    "longitude",
    "is_synthetic",
)
POOL_SECONDS = 3600
_RECENT: OrderedDict[str, Pool] = OrderedDict()  # this process's last few pools, by cache key
_RECENT_MAX = 8


def scored_pool(nodes: list[str]) -> Pool:
    """The candidate table for the nodes, without the enterprises' names (see enterprise_info).

    Building it reads every external enterprise on the nodes with its facts and titles (a whole
    chain: ~30,000 enterprises, 2-3 s), so it is kept under the atlas stamp (links, chains and
    registry data) and today's date (titles in force): in this process for the last few
    selections, and in the shared cache for every worker. After a data change the worker builds
    the pools again in the background (warm_pools, queued by the investment app when registry,
    imports or atlas announce a change); a request that comes first builds its pool itself.
    """
    key = pool_key(nodes)
    pool = _RECENT.get(key)
    if pool is None:
        pool = cache.get(key)
        if pool is None:
            pool = _shareable(build_pool(nodes))
            cache.set(key, pool, POOL_SECONDS)
            _remember_selection(nodes)
        _RECENT[key] = pool
        while len(_RECENT) > _RECENT_MAX:
            _RECENT.popitem(last=False)
    _RECENT.move_to_end(key)
    return pool


def _shareable(full: Pool) -> Pool:
    """The pool as cached: without the enterprises' details (names are read for the ranked few)."""
    return Pool(full.candidates, full.node_of, {}, full.places)


# The selections (sorted node lists) whose pools were last built by a request: warmed again
# after the next change beside every whole chain, so a page in use stays warm.
SELECTIONS_KEY = "investment:pool:selections"
SELECTIONS_MAX = 12
SELECTIONS_SECONDS = 7 * 24 * 3600


def _remember_selection(nodes: list[str]) -> None:
    chosen = sorted(nodes)
    recent = [s for s in cache.get(SELECTIONS_KEY) or [] if s != chosen]
    cache.set(SELECTIONS_KEY, [chosen, *recent][:SELECTIONS_MAX], SELECTIONS_SECONDS)


def whole_chains() -> list[list[str]]:
    """Each chain's top-level nodes (sorted), in the atlas order: the chain=… selections."""
    index = atlas.node_index()
    out: list[list[str]] = []
    for chain in atlas.all_definitions():
        nodes = sorted(
            n for n, node in index.items() if node.chain == chain and node.parent is None
        )
        if nodes:
            out.append(nodes)
    return out


def selections_to_warm() -> list[list[str]]:
    """Every whole chain (the costliest pools) first, then the selections requests built lately
    that are still top-level nodes of the current atlas."""
    index = atlas.node_index()
    out = whole_chains()
    for chosen in cache.get(SELECTIONS_KEY) or []:
        valid = [n for n in chosen if n in index and index[n].parent is None]
        if valid == chosen and chosen not in out:
            out.append(chosen)
    return out


def warm_pool(nodes: list[str]) -> bool:
    """Build and share the nodes' pool under the current stamp unless it is there; True if built."""
    key = pool_key(nodes)
    if cache.has_key(key):  # a probe: nothing is unpickled
        return False
    cache.set(key, _shareable(build_pool(nodes)), POOL_SECONDS)
    return True


def pool_is_warm(nodes: list[str]) -> bool:
    """Whether the nodes' pool as of now is in the shared cache (a request would not build it)."""
    return bool(cache.has_key(pool_key(nodes)))


def pool_key(nodes: list[str]) -> str:
    """Names the nodes' pool as of now: the atlas stamp, today's date and the nodes."""
    raw = "|".join([atlas.atlas_stamp(), timezone.localdate().isoformat(), *sorted(nodes)])
    return f"investment:pool:v2:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def enterprise_info(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Name, place, USCC, revenue, coordinates and synthetic flag of the given enterprises."""
    return {
        values[0]: dict(zip(INFO_FIELDS, values, strict=True))
        for values in Enterprise.all_objects.filter(pk__in=ids).values_list(*INFO_FIELDS)
    }


def build_pool(nodes: list[str]) -> Pool:
    """The candidate table for the selected top-level nodes (empty when none are classified)."""
    links = _links(nodes)
    ids = sorted(links)
    cagr, staff, rd_int, equity = _growth(ids)
    titles = _titles(ids)
    supplies, buys, colocated = _linkage()
    info: dict[int, dict[str, Any]] = {}
    rows = []
    fields = INFO_FIELDS
    for values in (
        Enterprise.objects.filter(pk__in=ids).values_list(*fields).iterator(chunk_size=5000)
    ):
        rec = dict(zip(fields, values, strict=True))
        pk = rec["pk"]
        node, confidence, counted = links[pk]
        info[pk] = rec
        rows.append(
            {
                "id": pk,
                "fit": min(1.0, confidence),
                "evidence": float(counted),
                "revenue": float(rec["latest_revenue"] or 0),
                "growth": cagr.get(pk),
                "titles": titles.get(pk, 0),
                "rd_intensity": rd_int.get(pk),
                "supplies_leaders": supplies.get(node, 0.0),
                "buys_local": buys.get(node, 0.0),
                "colocated": colocated.get(rec["city_code"], 0.0),
                "equity": equity.get(pk, 0.0),
                "branches": 0,  # not in the registry yet: counts 0 for everyone
                "capacity_growth": staff.get(pk),
                "lat": rec["latitude"],
                "lon": rec["longitude"],
                "province_code": int(rec["province_code"][:2])
                if rec["province_code"][:2].isdigit()
                else 0,
            }
        )
    for row in rows:  # keep growth within the engine's bounds (a firm can lose at most 100 %)
        for key in ("growth", "capacity_growth"):
            if row[key] is not None and (math.isnan(row[key]) or row[key] < -1):
                row[key] = -1.0
    candidates = Candidates.from_rows(rows) if rows else _empty()
    places = {
        pk: (
            rec["county_code"] or rec["city_code"] or rec["province_code"],
            float(rec["latest_revenue"] or 0),
        )
        for pk, rec in info.items()
    }
    return Pool(candidates, {pk: links[pk][0] for pk in ids}, info, places)


def _empty() -> Candidates:
    z = np.zeros(0)
    zi = np.zeros(0, dtype=np.int64)
    return Candidates(zi, z, z, z, z, zi, z, z, z, z, z, zi, z, z, z, zi)
