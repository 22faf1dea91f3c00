"""Target ranking reads and writes: ranked, explained targets; saved strategies and lists;
leaders pull, suppliers follow."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from corridor.atlas import selectors as atlas
from corridor.core.params import number_param
from corridor.engine.targeting import DEFAULT_STRATEGY, PARTS, PRESETS, Strategy, rank
from corridor.errors import NotFound, ValidationFailed
from corridor.investment.candidates import Pool, enterprise_info, pool_key, scored_pool
from corridor.investment.explain import reasons_in_words
from corridor.investment.models import Project, TargetEntry, TargetList
from corridor.investment.models import Strategy as SavedStrategy

if TYPE_CHECKING:
    from corridor.registry.models import Enterprise

MAX_TOP = 200
DEFAULT_TOP = 50  # targets shown when the page does not say (top=…)


def strategies() -> dict[str, Strategy]:
    """Presets and saved strategies by name."""
    out = dict(PRESETS)
    for saved in SavedStrategy.objects.all():
        out[saved.name] = Strategy(saved.name, saved.weights)
    return out


def strategy_from(params: Any) -> Strategy:
    """The chosen strategy, with any weights given as w_<part> overriding it (a custom mix)."""
    base = strategies().get(str(params.get("strategy") or ""), DEFAULT_STRATEGY)
    custom = {}
    for part in PARTS:
        value = number_param(params, f"w_{part}")
        if value is not None:
            custom[part] = value
    if not custom:
        return base
    try:
        return Strategy("custom", {**dict(base.weights), **custom})
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="weights") from None


def selected_nodes(params: Any, index: dict[str, Any] | None = None) -> list[str]:
    """Top-level nodes chosen by node=… (repeatable) or a whole chain=… (``index``: the atlas's
    node index when the caller holds it already)."""
    index = index if index is not None else atlas.node_index()
    nodes = (
        [n for n in params.getlist("node") if n in index and index[n].parent is None]
        if hasattr(params, "getlist")
        else []
    )
    chain = str(params.get("chain") or "")
    if chain and not nodes:
        nodes = [n for n, node in index.items() if node.chain == chain and node.parent is None]
    return nodes


def ranked(
    nodes: list[str], strategy: Strategy, top: int = 50, pool: Pool | None = None
) -> dict[str, Any]:
    """The best targets outside the district for the nodes, each explained.

    ``pool`` is the nodes' candidate table when the caller built it already (the map also
    totals every candidate by region). Without it the ranking itself is kept in this process
    under the pool's key, the strategy, top and language (the same page asked again ranks
    nothing); only the open projects are read for every request.
    """
    if not nodes:
        return {"rows": [], "considered": 0, "strategy": strategy}
    top = max(1, min(int(top), MAX_TOP))
    key = ""
    if pool is not None:
        result = _ranked(nodes, strategy, top, pool)
    else:
        weights = sorted((k, float(v)) for k, v in strategy.weights.items())
        key = f"{pool_key(nodes)}|{strategy.name}|{weights}|{top}|{get_language()}"
        found = _RANKED.get(key)
        if found is None:
            found = _ranked(nodes, strategy, top, scored_pool(nodes))
            _RANKED[key] = found
            while len(_RANKED) > _RANKED_SIZE:
                _RANKED.popitem(last=False)
        _RANKED.move_to_end(key)
        result = found
    open_projects = dict(
        Project.objects.filter(
            target_id__in=[row["id"] for row in result["rows"]], is_open=True
        ).values_list("target_id", "pk")
    )
    rows = [{**row, "project": open_projects.get(row["id"])} for row in result["rows"]]
    # `key` names this ranking in this process (empty when the caller gave the pool): with the
    # open projects it is everything the rows show, so a page may keep their rendering under it.
    return {**result, "rows": rows, "key": key}


# This process's recent rankings (shared by requests: callers copy a row before changing it).
_RANKED: OrderedDict[str, dict[str, Any]] = OrderedDict()
_RANKED_SIZE = 32


def _ranked(nodes: list[str], strategy: Strategy, top: int, pool: Pool) -> dict[str, Any]:
    ranking = rank(pool.candidates, strategy, top=top)
    infos = enterprise_info([int(i) for i in ranking.ids])
    index = atlas.node_index()
    rows = []
    for target in ranking.targets():
        node = pool.node_of[target.id]
        rows.append(
            {
                "rank": target.rank,
                "id": target.id,
                "enterprise": infos[target.id],
                "node": index.get(node),
                "node_id": node,
                "score": target.score,
                "parts": target.parts,
                "contributions": target.contributions,
                "reasons": reasons_in_words(target.reasons, target.contributions),
                "raw_reasons": target.reasons,
            }
        )
    return {
        "rows": rows,
        "considered": ranking.considered,
        "strategy": strategy,
        "reference": ranking.revenue_reference,
    }


def save_strategy(name: str, weights: dict[str, float], user: User) -> SavedStrategy:
    """Save (or replace) a named strategy after validating its weights."""
    name = name.strip()[:60]
    if not name or name in PRESETS:
        raise ValidationFailed(_("Choose a name that is not a preset."), field="name", value=name)
    try:
        Strategy(name, weights)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="weights") from None
    saved, _created = SavedStrategy.objects.update_or_create(
        name=name, defaults={"weights": weights, "created_by": user}
    )
    return saved


def save_list(
    name: str, nodes: list[str], strategy: Strategy, user: User, top: int = 100
) -> TargetList:
    """Rank each node separately and keep the lists with their score breakdown (to compare later)."""
    if not nodes:
        raise ValidationFailed(_("Choose at least one node."), field="node")
    with transaction.atomic():
        target_list = TargetList.objects.create(
            name=(name or ", ".join(nodes))[:120],
            nodes=nodes,
            strategy_name=strategy.name,
            weights=dict(strategy.weights),
            classifier_version=atlas.live_classifier_version(),
            created_by=user,
        )
        entries = []
        for node in nodes:
            for row in ranked([node], strategy, top)["rows"]:
                entries.append(
                    TargetEntry(
                        target_list=target_list,
                        enterprise_id=row["id"],
                        node=node,
                        rank=row["rank"],
                        score=round(row["score"], 4),
                        parts={
                            "parts": row["parts"],
                            "points": row["contributions"],
                            "reasons": [list(r) for r in row["raw_reasons"]],
                        },
                    )
                )
        TargetEntry.objects.bulk_create(entries)
    return target_list


def get_list(pk: int) -> TargetList:
    """A saved target list, or NotFound."""
    found = TargetList.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such target list: %(pk)s") % {"pk": pk})
    return found


def compare(current: TargetList) -> dict[str, Any]:
    """The list against the previous list of the same nodes: new entries, dropped ones, rank moves."""
    previous = (
        TargetList.objects.filter(nodes=current.nodes, created_at__lt=current.created_at)
        .order_by("-created_at")
        .first()
    )
    now = {(e.node, e.enterprise_id): e for e in current.entries.select_related("enterprise")}
    before = {(e.node, e.enterprise_id): e for e in previous.entries.all()} if previous else {}
    rows = []
    for key, entry in sorted(now.items(), key=lambda kv: (kv[0][0], kv[1].rank)):
        old = before.get(key)
        rows.append(
            {
                "entry": entry,
                "previous_rank": old.rank if old else None,
                "move": (old.rank - entry.rank) if old else None,
            }
        )
    dropped = [e for k, e in before.items() if k not in now]
    return {"previous": previous, "rows": rows, "dropped": dropped}


def leader_gaps(enterprise: Enterprise, top: int = 5) -> list[dict[str, Any]]:
    """Leaders pull, suppliers follow: for a local leader, its nodes' upstream nodes without a local
    supplier, each with the best external suppliers under the fill-gaps strategy."""
    definitions = atlas.all_definitions()
    ups = atlas.upstream_of(definitions)
    local = atlas.local_nodes()
    index = atlas.node_index()
    own = [
        link.node
        for link in atlas.links_of(enterprise)
        if link.effective and link.node.count(".") == 1
    ]
    gaps = []
    for node in own:
        for supplier in ups.get(node, []):
            if supplier in local and local[supplier].enterprises > 0:
                continue
            best = ranked([supplier], PRESETS["fill_gaps"], top)["rows"]
            gaps.append({"for_node": index.get(node), "node": index.get(supplier), "targets": best})
    return gaps
