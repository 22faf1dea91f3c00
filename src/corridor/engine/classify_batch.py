"""Batch classification: many enterprises, in this process or spread over worker processes.

Workers are spawned (not forked) so they never inherit the caller's database connections or
threads; each builds its own classifier once from the chain definitions and the model's JSON.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from corridor.engine.chains import Chain
from corridor.engine.classify import RuleClassifier
from corridor.engine.classify_model import Classifier, LinearModel

STORE_MIN = 0.3  # candidates below this confidence are not worth keeping (nothing to review)
MAX_EVIDENCE = 12
Item = tuple[Any, str, str, str]  # (key, name, scope, products)
Row = dict[str, Any]

_WORKER: Classifier | None = None


def summarise(
    classifier: Classifier, name: str, scope: str, products: str, evidence_json: bool = False
) -> list[Row]:
    """The links worth keeping for one enterprise: node, confidences, label flag, evidence
    (as a list of dicts, or already as JSON text when the caller stores it directly)."""
    found = classifier.classify(name or "", scope or "", products or "")
    labels = set(found.labels)
    rows = []
    for node, result in found.results.items():
        if result.confidence < STORE_MIN and node not in labels:
            continue
        evidence = [
            e.as_dict() for e in sorted(result.evidence, key=lambda e: -e.weight)[:MAX_EVIDENCE]
        ]
        rows.append(
            {
                "node": node,
                "chain": node.split(".")[0],
                "confidence": round(result.confidence, 4),
                "rule_confidence": round(result.rule_confidence, 4),
                "evidence": json.dumps(evidence, ensure_ascii=False) if evidence_json else evidence,
                "effective": node in labels,
            }
        )
    return rows


_AS_JSON = False


def _init_worker(chains: tuple[Chain, ...], model_json: str | None, evidence_json: bool) -> None:
    global _WORKER, _AS_JSON
    model = LinearModel.from_json(model_json) if model_json else None
    _WORKER = Classifier(RuleClassifier(chains), model)
    _AS_JSON = evidence_json


def _work(chunk: Sequence[Item]) -> list[tuple[Any, list[Row]]]:
    assert _WORKER is not None
    return [(key, summarise(_WORKER, n, s, p, _AS_JSON)) for key, n, s, p in chunk]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def classify_many(
    classifier: Classifier,
    items: Iterable[Item],
    workers: int = 1,
    chunk: int = 2000,
    evidence_json: bool = False,
) -> Iterator[tuple[Any, list[Row]]]:
    """(key, rows) for every item, in input order; `workers` > 1 spreads the work over processes."""
    if workers <= 1:
        for key, name, scope, products in items:
            yield key, summarise(classifier, name, scope, products, evidence_json)
        return
    model_json = classifier.model.to_json() if classifier.model else None
    chains = classifier.rules.chains
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, _init_worker, (chains, model_json, evidence_json)) as pool:
        for result in pool.imap(_work, _chunks(items, chunk)):
            yield from result
