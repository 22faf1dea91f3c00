"""Every write to the atlas: chain versions, chain owners and anchors, classification runs, decisions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts.models import AuditAction
from corridor.accounts.services import record_audit, snapshot
from corridor.atlas import chains as packaged
from corridor.atlas.models import (
    DECIDED,
    Chain,
    ChainVersion,
    ClassificationRun,
    LearnedModel,
    LinkStatus,
    NodeLink,
)
from corridor.atlas.selectors import current_definition, live_classifier
from corridor.core.signals import announce_data_changed
from corridor.core.tasks import run_task
from corridor.engine.chains import ChainDefinitionError, chain_to_dict, parse_chain
from corridor.engine.classify import THRESHOLD
from corridor.engine.classify_batch import classify_many
from corridor.engine.classify_model import Classifier, Example, train, training_rows
from corridor.errors import Conflict, NotFound, ValidationFailed, printable_text
from corridor.registry.models import Enterprise

CHUNK = 4000
PARALLEL_FROM = 20_000


# --- chains ----------------------------------------------------------------------------------


def ensure_packaged_chains() -> list[str]:
    """Load packaged chain files missing from the database or newer than an unedited stored one."""
    changed = []
    definitions = packaged.packaged_definitions()
    packaged.parse_atlas(definitions)  # refuse a broken package before writing anything
    for position, (key, definition) in enumerate(definitions.items()):
        with transaction.atomic():
            chain, created = Chain.objects.get_or_create(
                key=key,
                defaults={
                    "name_zh": definition["name"]["zh"],
                    "name_en": definition["name"]["en"],
                    "position": position,
                    "current_version": definition["version"],
                },
            )
            latest = chain.versions.order_by("-number").first()
            if latest is not None and (
                latest.source == ChainVersion.Source.EDIT or latest.number >= definition["version"]
            ):
                continue  # an administrator's edit is never overwritten by the package
            ChainVersion.objects.create(
                chain=chain,
                number=definition["version"],
                definition=definition,
                source=ChainVersion.Source.PACKAGE,
                note=_("Loaded from the packaged file"),
            )
            chain.current_version = definition["version"]
            chain.save(update_fields=["current_version"])
            changed.append(key)
    return changed


def _same_definition(stored: dict[str, Any], edited: dict[str, Any]) -> bool:
    """Both definitions parsed the same way and compared without their version numbers."""
    try:
        stored = chain_to_dict(parse_chain(stored))
    except ChainDefinitionError:
        return False
    return {k: v for k, v in stored.items() if k != "version"} == {
        k: v for k, v in edited.items() if k != "version"
    }


def save_chain_definition(
    chain: Chain, definition: dict[str, Any], user: User | None, note: str
) -> ChainVersion:
    """Validate an edited definition against the whole atlas and store it as the next version."""
    definition = dict(definition)
    definition["id"] = chain.key
    definition["version"] = (
        chain.versions.order_by("-number").values_list("number", flat=True)[0] + 1
    )
    try:
        parsed = parse_chain(definition)
        others = {c.key: current_definition(c) for c in Chain.objects.exclude(pk=chain.pk)}
        packaged.parse_atlas({**others, chain.key: chain_to_dict(parsed)})
    except ChainDefinitionError as exc:
        raise ValidationFailed(str(exc), code="chain_invalid") from exc
    current = chain.versions.filter(number=chain.current_version).first()
    if current is not None and _same_definition(current.definition, chain_to_dict(parsed)):
        return current  # an unchanged save makes no new version and no history entry
    with transaction.atomic():
        before = {"version": chain.current_version}
        version = ChainVersion.objects.create(
            chain=chain,
            number=definition["version"],
            definition=chain_to_dict(parsed),
            source=ChainVersion.Source.EDIT,
            note=note[:300],
            created_by=user,
        )
        chain.current_version = version.number
        chain.save(update_fields=["current_version"])
        record_audit(
            user, AuditAction.UPDATE, chain, before, {"version": version.number}, note=note
        )
        announce_data_changed("atlas")  # the chains that place enterprises on nodes changed
    return version


def save_node(chain: Chain, node: dict[str, Any], user: User | None) -> ChainVersion:
    """Add a node or replace the node with the same id, as a new chain version."""
    definition = current_definition(chain)
    existing: dict[str, Any] = next(
        (n for n in definition["nodes"] if n["id"] == node.get("id")), {}
    )
    node = {**existing, **node}  # keys the editor does not show (counts_trade) are kept
    nodes = [n for n in definition["nodes"] if n["id"] != node.get("id")]
    existed = len(nodes) != len(definition["nodes"])
    index = next(
        (i for i, n in enumerate(definition["nodes"]) if n["id"] == node.get("id")), len(nodes)
    )
    nodes.insert(index, node)
    definition["nodes"] = nodes
    verb = _("Edited node %(id)s") if existed else _("Added node %(id)s")
    return save_chain_definition(chain, definition, user, verb % {"id": node.get("id")})


def set_edge(
    chain: Chain, source: str, target: str, present: bool, user: User | None
) -> ChainVersion:
    """Add or remove a supply edge (inside the chain, or a cross edge to another chain)."""
    definition = current_definition(chain)
    own = {n["id"] for n in definition["nodes"]}
    key = "edges" if target in own else "cross_edges"
    edges = [e for e in definition.get(key) or [] if (e["from"], e["to"]) != (source, target)]
    if present:
        edges.append({"from": source, "to": target})
    elif len(edges) == len(definition.get(key) or []):
        raise NotFound(_("There is no edge %(a)s → %(b)s.") % {"a": source, "b": target})
    definition[key] = edges
    note = _("Added edge %(a)s → %(b)s") if present else _("Removed edge %(a)s → %(b)s")
    return save_chain_definition(chain, definition, user, note % {"a": source, "b": target})


def set_chain_owners(
    chain: Chain, leader_name: str, leader_title: str, anchor_ids: Iterable[int], user: User | None
) -> Chain:
    """Set the chain chief (链长) and the anchor enterprises (链主)."""
    anchors = list(Enterprise.objects.filter(pk__in=list(anchor_ids), deleted_at__isnull=True))
    with transaction.atomic():
        before = snapshot(chain) | {"anchors": sorted(chain.anchors.values_list("pk", flat=True))}
        chain.leader_name, chain.leader_title = leader_name.strip()[:60], leader_title.strip()[:120]
        after = snapshot(chain) | {"anchors": sorted(a.pk for a in anchors)}
        if after != before:  # an unchanged save writes nothing and no history entry
            chain.save(update_fields=["leader_name", "leader_title"])
            chain.anchors.set(anchors)
            record_audit(user, AuditAction.UPDATE, chain, before, after)
            announce_data_changed("atlas")
    return chain


# --- the classifier --------------------------------------------------------------------------


def _id_chunks(ids: Iterable[int]) -> list[list[int]]:
    """Distinct ids in ascending order, in chunks small enough for one `IN (…)` each."""
    unique = sorted(set(ids))
    return [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]


# What a run covers: None for the whole registry, else chunks of enterprise ids.
Scope = list[list[int]] | None


def _live_count(scope: Scope) -> int:
    if scope is None:
        return Enterprise.objects.count()
    return sum(Enterprise.objects.filter(pk__in=chunk).count() for chunk in scope)


def _decided_links(scope: Scope) -> set[tuple[int, str]]:
    """(enterprise, node) of every analyst decision in scope: the run leaves those links alone."""
    decided = NodeLink.objects.filter(status__in=DECIDED)
    chunks = [decided] if scope is None else [decided.filter(enterprise_id__in=c) for c in scope]
    return {pair for qs in chunks for pair in qs.values_list("enterprise_id", "node")}


def _drop_automatic_links(scope: Scope) -> None:
    """Delete automatic links in scope (of soft-deleted enterprises too, which get none back)."""
    auto = NodeLink.objects.filter(status=LinkStatus.AUTO)
    # nothing hangs off a link, so Django issues one DELETE statement per call
    if scope is None:
        auto.delete()
        return
    for chunk in scope:
        auto.filter(enterprise_id__in=chunk).delete()


def _enterprise_texts(scope: Scope) -> Iterator[tuple[int, str, str, str]]:
    """(id, name, scope, products) of live enterprises in scope, in id order, read in chunks."""
    columns = ("pk", "name", "business_scope", "main_products")
    live = Enterprise.objects.order_by("pk")
    if scope is not None:
        for chunk in scope:
            yield from live.filter(pk__in=chunk).values_list(*columns)
        return
    last = 0
    while page := list(live.filter(pk__gt=last).values_list(*columns)[:CHUNK]):
        yield from page
        last = page[-1][0]


def classify_registry(
    user: User | None = None,
    enterprise_ids: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> ClassificationRun:
    """Classify the registry (or only the given enterprises) and replace their automatic links;
    analysts' decisions are kept as they are."""
    classifier = live_classifier()
    scope = None if enterprise_ids is None else _id_chunks(enterprise_ids)
    run = ClassificationRun.objects.create(
        started_by=user,
        classifier_version=classifier.version,
        scope=ClassificationRun.Scope.REGISTRY
        if scope is None
        else ClassificationRun.Scope.ENTERPRISES,
    )
    total = _live_count(scope)
    if total < PARALLEL_FROM:
        workers = 1  # starting worker processes costs more than classifying a few thousand
    with transaction.atomic():
        # One classification writes at a time (PostgreSQL; SQLite serialises writers anyway):
        # two runs over the same enterprise would each delete the old links and insert new ones.
        list(Chain.objects.select_for_update().values_list("pk", flat=True))
        decided = _decided_links(scope)
        _drop_automatic_links(scope)
        counts = _write_links(
            classifier, _enterprise_texts(scope), decided, workers, progress, total
        )
        run.enterprises, run.links, run.labelled = (
            counts["done"],
            counts["links"],
            counts["labelled"],
        )
        run.kept_decisions = counts["kept"]
        run.finished_at, run.status = timezone.now(), "done"
        run.save()
        announce_data_changed("atlas")  # links replaced: what reads them (target pools) is stale
    return run


def _write_links(
    classifier: Classifier,
    items: Iterable[tuple[int, str, str, str]],
    decided: set[tuple[int, str]],
    workers: int,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> dict[str, int]:
    """Classify the items and insert their links, except where an analyst has decided."""
    counts = {"done": 0, "labelled": 0, "links": 0, "kept": 0}
    now = timezone.now()
    batch: list[tuple[Any, ...]] = []
    for pk, rows in classify_many(classifier, items, workers=workers, evidence_json=True):
        counts["done"] += 1
        counts["labelled"] += any(r["effective"] for r in rows)
        for r in rows:
            if (pk, r["node"]) in decided:
                counts["kept"] += 1
                continue
            batch.append(
                (
                    pk,
                    r["node"],
                    r["chain"],
                    r["confidence"],
                    r["rule_confidence"],
                    r["evidence"],
                    classifier.version,
                    LinkStatus.AUTO,
                    r["effective"],
                    "",
                    now,
                )
            )
        if len(batch) >= CHUNK:
            _flush(batch, counts, progress, total)
    _flush(batch, counts, progress, total)
    return counts


LINK_COLUMNS = (
    "enterprise_id",
    "node",
    "chain",
    "confidence",
    "rule_confidence",
    "evidence",
    "classifier_version",
    "status",
    "effective",
    "note",
    "updated_at",
)


def _flush(
    batch: list[tuple[Any, ...]],
    counts: dict[str, int],
    progress: Callable[[int, int], None] | None,
    total: int,
) -> None:
    """Insert a batch of links in one statement per chunk (the ORM's per-object work costs more
    than classifying at this scale); evidence arrives as JSON text from the workers."""
    from django.db import connection

    if batch:
        table = NodeLink._meta.db_table
        columns = ", ".join(LINK_COLUMNS)
        marks = ", ".join(["%s"] * len(LINK_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)
    counts["links"] += len(batch)
    batch.clear()
    if progress:
        progress(counts["done"], total)


def classify_enterprises(
    ids: Iterable[int],
    user: User | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> dict[str, int]:
    """(Re)classify just these enterprises exactly as a registry run would; idempotent.

    The same classifier (current chain versions, newest learned model), evidence and kept
    decisions as `classify_registry`, through the same code; an id that is soft-deleted or gone
    loses its automatic links. Returns counts: enterprises, links, labelled, kept.
    """
    chunks = _id_chunks(ids)
    if not chunks:
        return {"enterprises": 0, "links": 0, "labelled": 0, "kept": 0}
    run = classify_registry(user, [pk for chunk in chunks for pk in chunk], progress, workers)
    return {
        "enterprises": run.enterprises,
        "links": run.links,
        "labelled": run.labelled,
        "kept": run.kept_decisions,
    }


INLINE_AT_MOST = 500  # ~0.1 s of classifying: done in the request that changed them; more → a task


def classify_changed_enterprises(ids: Iterable[int]) -> None:
    """Keep the atlas current after registry changes: a few enterprises now, many in a background task."""
    chunks = _id_chunks(ids)
    count = sum(len(chunk) for chunk in chunks)
    if count == 0:
        return
    flat = [pk for chunk in chunks for pk in chunk]
    if count <= INLINE_AT_MOST:
        classify_enterprises(flat)
    else:
        run_task(_classify_changed_in_background, flat)


def _classify_changed_in_background(ids: list[int]) -> None:
    classify_enterprises(ids, workers=default_workers())


# --- analysts' decisions ---------------------------------------------------------------------


def decide_link(
    enterprise: Enterprise, node: str, status: str, user: User | None, note: str = ""
) -> NodeLink:
    """Record an analyst's decision on an enterprise–node link (creating the link if needed)."""
    if status not in DECIDED:
        raise ValidationFailed(_("Unknown decision %(s)s.") % {"s": status}, field="status")
    printable_text(note, "note")
    if node not in _known_nodes():
        raise ValidationFailed(_("Unknown node %(n)s.") % {"n": node}, field="node", value=node)
    with transaction.atomic():
        link = NodeLink.objects.select_for_update().filter(enterprise=enterprise, node=node).first()
        before = snapshot(link) if link else None
        if link is None:
            link = NodeLink(
                enterprise=enterprise,
                node=node,
                chain=node.split(".")[0],
                confidence=0.0,
                rule_confidence=0.0,
                classifier_version="",
            )
        link.status = status
        link.effective = status == LinkStatus.CONFIRMED or (
            status == LinkStatus.UNCERTAIN and link.confidence >= THRESHOLD
        )
        link.decided_by = user if user is not None and user.is_authenticated else None
        link.decided_at = link.updated_at = timezone.now()
        link.note = note.strip()[:300]
        link.save()
        record_audit(
            user,
            AuditAction.CREATE if before is None else AuditAction.UPDATE,
            link,
            before,
            snapshot(link),
        )
        announce_data_changed("atlas")
    return link


def _known_nodes() -> set[str]:
    return set(live_classifier().rules.nodes)


def decision_examples() -> list[Example]:
    """Analysts' decisions as training examples (one enterprise may carry several)."""
    by_enterprise: dict[int, tuple[set[str], set[str]]] = {}
    for ent_id, node, status in NodeLink.objects.filter(
        status__in=(LinkStatus.CONFIRMED, LinkStatus.REJECTED)
    ).values_list("enterprise_id", "node", "status"):
        yes, no = by_enterprise.setdefault(ent_id, (set(), set()))
        (yes if status == LinkStatus.CONFIRMED else no).add(".".join(node.split(".")[:2]))
    texts = Enterprise.objects.filter(pk__in=list(by_enterprise)).values_list(
        "pk", "name", "business_scope", "main_products"
    )
    return [
        Example(
            name,
            scope,
            products,
            frozenset(by_enterprise[pk][0]),
            frozenset(by_enterprise[pk][1]),
            complete=False,
        )
        for pk, name, scope, products in texts
    ]


def labelled_examples() -> list[Example]:
    """The packaged labelled set as training examples (complete labels)."""
    out = []
    for line in packaged.labelled_path().read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            labels = frozenset(".".join(n.split(".")[:2]) for n in item.get("labels") or [])
            out.append(
                Example(item["name"], item.get("scope", ""), item.get("products", ""), labels)
            )
    return out


def retrain_model(user: User | None) -> LearnedModel:
    """Train the learned layer on the labelled set plus every confirmed or rejected link."""
    classifier = live_classifier()
    decisions = decision_examples()
    if not decisions:
        raise Conflict(
            _("No analyst decisions yet: the packaged model already covers the labelled set.")
        )
    rows, targets = training_rows(classifier.rules, labelled_examples() + decisions)
    model = train(rows, targets)
    stored, _created = LearnedModel.objects.get_or_create(
        version=model.version,
        defaults={
            "weights": model.to_json(),
            "trained_on": model.trained_on,
            "decisions": len(decisions),
            "created_by": user,
        },
    )
    return stored


def default_workers() -> int:
    """Worker processes for a registry run: the cores, at most 4 (each holds its own classifier)."""
    import os

    return max(1, min(4, os.cpu_count() or 1))


def classify_in_background(user_id: int, progress_key: str) -> None:
    """A whole-registry run started from a page: progress published under the key, then cleared."""
    from corridor.core.tasks import clear_progress, write_progress

    user = User.objects.filter(pk=user_id).first()
    try:
        classify_registry(
            user,
            progress=lambda done, total: write_progress(progress_key, done, total, "running"),
            workers=default_workers(),
        )
    finally:
        clear_progress(progress_key)
