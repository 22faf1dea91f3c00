"""Qualification writes: shipped policies synced, policy uploads, assessments, and the batch run that
stores evaluations incrementally (only where an enterprise's inputs or the policy version moved)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts.services import record_audit
from corridor.core.tasks import run_task, write_progress
from corridor.engine.qualify import Policy, PolicyError, evaluate, load_policy_text
from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.columnar import columns_from_enterprises, evaluate_columns
from corridor.engine.qualify.inputs import parse_enterprise
from corridor.engine.qualify.loader import POLICY_DIR, Problem
from corridor.engine.qualify.messages import explain
from corridor.engine.qualify.model import (
    NEAR,
    QUALIFIED,
    CriterionResult,
    Enterprise,
    PolicyResult,
)
from corridor.errors import Conflict, ValidationFailed
from corridor.qualify import policies as stored
from corridor.qualify import records, selectors
from corridor.qualify.models import (
    Assessment,
    CultivationSnapshot,
    Evaluation,
    PolicyOrigin,
    PolicyVersion,
)
from corridor.registry import selectors as registry_selectors

logger = logging.getLogger(__name__)

CHUNK = 5000  # enterprises read, evaluated and written per transaction
INLINE_AT_MOST = 200  # changed enterprises evaluated at once; more go to the task queue
EXPLAINED = (QUALIFIED, NEAR)  # verdicts stored with every criterion (the lists show them)
RUN_KEY = "qualify-batch"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- policies -------------------------------------------------------------------------------


def sync_shipped_policies() -> int:
    """Store each packaged policy file as a shipped PolicyVersion (idempotent); returns how many rows
    were added or refreshed. A shipped version whose file changed is refreshed in place."""
    changed = 0
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        policy = load_policy_text(text, path.name)
        row = PolicyVersion.objects.filter(policy_id=policy.id, version=policy.version).first()
        if row is None:
            PolicyVersion.objects.create(
                policy_id=policy.id,
                version=policy.version,
                yaml_text=text,
                sha256=_sha(text),
                origin=PolicyOrigin.SHIPPED,
            )
            changed += 1
        elif row.origin == PolicyOrigin.SHIPPED and row.sha256 != _sha(text):
            row.yaml_text, row.sha256 = text, _sha(text)
            row.save(update_fields=["yaml_text", "sha256"])
            changed += 1
    return changed


def upload_policy(text: str, user: Any, file_name: str = "upload.yaml") -> PolicyVersion:
    """Store a new policy version from YAML, validated (PolicyError lists every problem precisely)."""
    policy = load_policy_text(text, file_name)
    if PolicyVersion.objects.filter(policy_id=policy.id, version=policy.version).exists():
        raise PolicyError(
            [Problem(file_name, "version", policy.version, f"{policy.key} is already stored")]
        )
    for other in stored.stored_policies().values():
        if other.id == policy.id and other.effective_from == policy.effective_from:
            raise PolicyError(
                [
                    Problem(
                        file_name,
                        "effective_from",
                        policy.effective_from.isoformat(),
                        f"{other.key} takes effect on the same day",
                    )
                ]
            )
    with transaction.atomic():
        row = PolicyVersion.objects.create(
            policy_id=policy.id,
            version=policy.version,
            yaml_text=text,
            sha256=_sha(text),
            origin=PolicyOrigin.UPLOADED,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        record_audit(user, "create", row, None, {"policy": row.key, "sha256": row.sha256})
    return row


# --- assessments ----------------------------------------------------------------------------


def record_assessment(
    enterprise_id: int,
    key: str,
    value: Any,
    source: str,
    as_of: date,
    user: Any,
    evaluate_on: date | None = None,
) -> Assessment:
    """Enter one assessment (validated by the engine's input rules), then evaluate that enterprise
    (on evaluate_on, today by default)."""
    if key not in m.ASSESSMENTS:
        raise ValidationFailed(_("Unknown assessment %(k)s.") % {"k": key}, field="key")
    source = source.strip()
    if not source:
        raise ValidationFailed(_("Say where the assessment comes from."), field="source")
    problems: list = []
    parse_enterprise(0, {"key": "x", "assessments": {key: value}}, problems)
    if problems:
        raise ValidationFailed(
            _("%(k)s: %(reason)s") % {"k": key, "reason": problems[0].reason},
            field="value",
            value=str(value)[:40],
        )
    registry_selectors.get_enterprise(enterprise_id)  # a 404 for an unknown or deleted one
    with transaction.atomic():
        row = Assessment.objects.create(
            enterprise_id=enterprise_id,
            key=key,
            value=value,
            source=source[:200],
            as_of=as_of,
            entered_by=user if getattr(user, "is_authenticated", False) else None,
        )
        record_audit(user, "create", row, None, {"key": key, "value": value, "source": source})
    evaluate_enterprises([enterprise_id], evaluate_on or timezone.localdate())
    return row


# --- evaluation -----------------------------------------------------------------------------


_SKIPPED = frozenset({"label", "message", "depth", "closable", "progress"})
_ALWAYS = ("value", "threshold", "unit", "period", "shortfall", "shortfall_unit")
_FIELDS = [f.name for f in dataclasses.fields(CriterionResult) if f.name not in _SKIPPED]


def criterion_row(row: CriterionResult) -> dict[str, Any]:
    """command.criterion_json(row, "en") without dataclasses.asdict (the batch's hot spot): the
    same keys and values, asserted equal in tests/qualify/test_services.py."""
    out: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(row, name)
        if value not in ("", (), None):
            out[name] = value
    out["id"], out["status"], out["label"] = row.id, row.status, row.label.en
    for key in _ALWAYS:
        out.setdefault(key, None)
    out["years"] = list(row.years)
    if row.message is not None:
        out["message"] = explain(row, "en")
    return out


def result_record(result: PolicyResult) -> dict[str, Any]:
    """The stored form of an explained result: criteria and path as the engine's JSON (English
    labels and sentences, the Chinese ones beside them as label_zh and message_zh)."""
    criteria = []
    for r in result.criteria:
        row = criterion_row(r)
        row["label_zh"] = r.label.zh
        if "message" in row:
            row["message_zh"] = explain(r, "zh-hans")
        criteria.append(row)
    return {
        "criteria": criteria,
        "path": [r.id for r in result.path],
        "gap_count": len(result.path),
        "gap_progress": min((r.progress or 0.0 for r in result.path), default=None),
        "to_confirm": result.to_confirm,
    }


def evaluate_enterprises(
    ids: Iterable[int] | None,
    on: date,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
) -> dict[str, int]:
    """Evaluate enterprises (all live ones when ids is None) under every policy in force on a day,
    storing a new Evaluation only where the inputs hash or the policy version changed (every one
    when force).

    Returns counts: enterprises read, evaluations written, unchanged, unreadable."""
    chosen = stored.in_force(on)
    wanted = registry_selectors.live_enterprise_ids() if ids is None else sorted(set(ids))
    totals = {"enterprises": 0, "written": 0, "unchanged": 0, "unreadable": 0}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        counts = _evaluate_chunk(chunk, chosen, on, force)
        for k, v in counts.items():
            totals[k] += v
        if progress is not None:
            progress(min(start + CHUNK, len(wanted)), len(wanted))
    if ids is None:
        record_snapshots(chosen, on)
    return totals


def record_snapshots(chosen: list[Policy], on: date) -> None:
    """Store the day's size of each list (the lists' history), replacing an earlier one that day."""
    for policy in chosen:
        CultivationSnapshot.objects.update_or_create(
            policy_id=policy.id,
            version=policy.version,
            day=on,
            defaults=selectors.list_sizes(policy, on),
        )


def _evaluate_chunk(
    chunk: list[int], chosen: list[Policy], on: date, force: bool = False
) -> dict[str, int]:
    docs = records.enterprise_documents(chunk, on)
    wanted = set(chunk)
    rows = Evaluation.objects.filter(
        registry_selectors.ids_condition("enterprise_id", chunk), is_current=True
    ).values_list("pk", "enterprise_id", "policy_id", "version", "inputs_hash")
    current: dict[tuple[int, str, str], tuple[int, str]] = {
        (e, p, v): (pk, h) for pk, e, p, v, h in rows if e in wanted
    }
    todo: dict[str, list[int]] = {}
    unchanged = 0
    for policy in chosen:
        for e, (_doc, digest) in docs.items():
            held = current.get((e, policy.id, policy.version))
            if held is not None and held[1] == digest and not force:
                unchanged += 1
            else:
                todo.setdefault(policy.key, []).append(e)
    moved = {e for ids in todo.values() for e in ids}
    parsed, problems = records.parse_documents({e: docs[e][0] for e in sorted(moved)})
    found = {e: (ent, docs[e][1]) for e, ent in parsed.items()}
    todo = {k: [e for e in ids if e in found] for k, ids in todo.items()}
    # evaluations of enterprises no longer live, or no longer readable, stop being current
    gone = [
        pk for (e, _p, _v), (pk, _h) in current.items() if e not in docs or e in moved - set(found)
    ]
    new_rows, stale = _new_rows(chosen, found, todo, current, on)
    with transaction.atomic():
        no_longer_current(stale + gone)
        insert_evaluations(new_rows)
    return {
        "enterprises": len(docs),
        "written": len(new_rows),
        "unchanged": unchanged,
        "unreadable": len(problems),
    }


COLUMNS = (
    "enterprise_id",
    "policy_id",
    "version",
    "as_of",
    "verdict",
    "score",
    "criteria",
    "path",
    "gap_count",
    "gap_progress",
    "to_confirm",
    "inputs_hash",
    "is_current",
    "computed_at",
)
JSON_COLUMNS = {"criteria", "path"}


def no_longer_current(pks: list[int]) -> None:
    """Mark evaluations superseded (their results stay as they were), a thousand ids a statement."""
    table = Evaluation._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(pks), 1000):
            ids = ", ".join(str(int(pk)) for pk in pks[start : start + 1000])
            cursor.execute(f"UPDATE {table} SET is_current = %s WHERE id IN ({ids})", [False])


def insert_evaluations(rows: list[tuple[Any, ...]]) -> None:
    """Insert evaluation rows (tuples in COLUMNS order, JSON already text) with one executemany per
    thousand: the ORM's per-object work took most of a registry-wide run."""
    if not rows:
        return
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    marks = ", ".join(f"%s{cast}" if c in JSON_COLUMNS else "%s" for c in COLUMNS)
    sql = f"INSERT INTO {Evaluation._meta.db_table} ({', '.join(COLUMNS)}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, rows[start : start + 1000])


def _new_rows(
    chosen: list[Policy],
    found: dict[int, tuple[Enterprise, str]],
    todo: dict[str, list[int]],
    current: dict[tuple[int, str, str], tuple[int, str]],
    on: date,
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Rows (COLUMNS order) for the enterprises to evaluate: verdicts and scores by the columnar
    path, qualified and near results explained criterion by criterion by the per-enterprise path."""
    rows: list[tuple[Any, ...]] = []
    stale: list[int] = []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day = connection.ops.adapt_datefield_value(on)
    empty = json.dumps([])
    if not todo:
        return rows, stale
    order = list(found)
    index = {e: i for i, e in enumerate(order)}
    cols = columns_from_enterprises([found[e][0] for e in order], on)
    for policy in chosen:
        ids = todo.get(policy.key, [])
        if not ids:
            continue
        verdicts = evaluate_columns(policy, cols)
        names, scores = verdicts.names(), verdicts.score()
        for e in ids:
            i = index[e]
            score = None if scores is None or scores[i] != scores[i] else float(scores[i])
            explained: dict[str, Any] = {}
            if names[i] in EXPLAINED:
                explained = result_record(evaluate(policy, found[e][0], on))
            held = current.get((e, policy.id, policy.version))
            if held is not None:
                stale.append(held[0])
            rows.append(
                (
                    e,
                    policy.id,
                    policy.version,
                    day,
                    names[i],
                    score,
                    json.dumps(explained["criteria"], ensure_ascii=False) if explained else empty,
                    json.dumps(explained["path"]) if explained else empty,
                    explained.get("gap_count", 0),
                    explained.get("gap_progress"),
                    explained.get("to_confirm", False),
                    found[e][1],
                    True,
                    now,
                )
            )
    return rows, stale


def evaluate_changed_enterprises(ids: Iterable[int]) -> None:
    """Keep evaluations current after registry changes: a few now, many on the task queue."""
    changed = sorted(set(ids))
    if not changed:
        return
    if len(changed) <= INLINE_AT_MOST:
        evaluate_enterprises(changed, timezone.localdate())
    else:
        run_task(evaluate_in_background, changed, timezone.localdate().isoformat(), "")


def start_batch(on: date) -> str | None:
    """Queue an evaluation of the whole registry with visible progress (refused while one runs)."""
    from corridor.core.tasks import read_progress

    running = read_progress(RUN_KEY)
    if running and running.get("message") == "running" and not running.get("lost"):
        raise Conflict(_("A qualification run is already in progress."))
    write_progress(RUN_KEY, 0, 0, "running")
    task_id = run_task(evaluate_in_background, None, on.isoformat(), RUN_KEY)
    if task_id:
        write_progress(RUN_KEY, 0, 0, "running", task=task_id)
    return task_id


def evaluate_in_background(ids: list[int] | None, on_iso: str, key: str) -> None:
    """The queued job: evaluate, publishing progress under `key` when given."""

    def report(done: int, total: int) -> None:
        if key:
            write_progress(key, done, total, "running")

    totals = evaluate_enterprises(ids, date.fromisoformat(on_iso), report)
    if key:
        write_progress(key, totals["enterprises"], totals["enterprises"], "done")
    logger.info("qualification run on %s: %s", on_iso, totals)
