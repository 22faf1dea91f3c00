"""The learned layer: logistic regression over the rule layer's evidence, trained on decisions.

Each (enterprise, candidate node) pair becomes a sparse feature vector describing its evidence —
where it was found, how strong, how much was discounted and why, which phrases, which node, how many
other nodes compete. Analysts' confirmations and rejections (and the packaged labelled set) are the
training labels, so the model learns which phrases and contexts mislead. It only re-weighs nodes
that have evidence: the rule layer keeps the explanation, the model the calibration.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from corridor.engine.classify import THRESHOLD, NodeResult, RuleClassifier

Features = dict[str, float]
MODEL_THRESHOLD = 0.45  # the learned probability at which a node is labelled


def top_of(node_id: str) -> str:
    """The required (top-level) node id of a node or sub-node: 'nev.battery.cells' → 'nev.battery'."""
    return ".".join(node_id.split(".")[:2])


def features(node: str, result: NodeResult, results: Mapping[str, NodeResult]) -> Features:
    """The sparse features of one candidate node given all of an enterprise's results."""
    f: Features = {"bias": 1.0, f"node={node}": 1.0, "rule_conf": result.rule_confidence}
    for ev in result.evidence:
        if ev.discount is None:
            section = "main" if ev.position < 4 or ev.field != "scope" else "tail"
            _add(f, f"w.{ev.field}.{section}", ev.weight)
            _add(f, f"w.{ev.kind}", ev.weight)
            _add(f, f"p={ev.phrase}", 1.0)
        else:
            _add(f, f"d.{ev.discount}", 1.0)
    tops = {top_of(n) for n, r in results.items() if r.rule_confidence >= THRESHOLD}
    tops.discard(node)
    chain = node.split(".")[0]
    f["rivals.same_chain"] = float(sum(1 for t in tops if t.startswith(chain + ".")))
    f["rivals.other_chain"] = float(sum(1 for t in tops if not t.startswith(chain + ".")))
    return f


def _add(f: Features, key: str, value: float) -> None:
    f[key] = f.get(key, 0.0) + value


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class LinearModel:
    weights: dict[str, float]
    version: str
    trained_on: int = 0
    meta: dict[str, object] = field(default_factory=dict)

    def score(self, f: Features) -> float:
        """The probability that the node is right."""
        w = self.weights
        return _sigmoid(sum(w.get(k, 0.0) * v for k, v in f.items()))

    def contributions(self, f: Features, top: int = 6) -> list[tuple[str, float]]:
        """The features that moved this score most, for the on-screen explanation."""
        parts = [(k, self.weights.get(k, 0.0) * v) for k, v in f.items()]
        return sorted((p for p in parts if p[1]), key=lambda p: -abs(p[1]))[:top]

    def to_json(self) -> str:
        """Serialise (sorted keys: the same model gives the same bytes)."""
        return json.dumps(
            {
                "version": self.version,
                "trained_on": self.trained_on,
                "meta": self.meta,
                "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
            },
            ensure_ascii=False,
            indent=0,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> LinearModel:
        """Load a model written by `to_json`."""
        data = json.loads(text)
        return cls(
            {str(k): float(v) for k, v in data["weights"].items()},
            str(data["version"]),
            int(data.get("trained_on", 0)),
            dict(data.get("meta", {})),
        )


@dataclass(frozen=True)
class Example:
    """One decided enterprise: its text and the top-level nodes it truly has (possibly none)."""

    name: str
    scope: str
    products: str
    labels: frozenset[str]
    rejected: frozenset[str] = frozenset()  # nodes known to be wrong (others: unknown)
    complete: bool = True  # the labels are the whole truth (labelled set), not a single decision


def training_rows(
    rules: RuleClassifier, examples: Iterable[Example]
) -> tuple[list[Features], list[float]]:
    """Feature rows and targets for every candidate top-level node of every example."""
    rows: list[Features] = []
    targets: list[float] = []
    for ex in examples:
        results = top_results(rules.classify(ex.name, ex.scope, ex.products))
        for node, result in results.items():
            if node in ex.labels:
                y = 1.0
            elif node in ex.rejected or ex.complete:
                y = 0.0
            else:
                continue  # an analyst decided another node; this one is unknown
            rows.append(features(node, result, results))
            targets.append(y)
    return rows, targets


def top_results(results: Mapping[str, NodeResult]) -> dict[str, NodeResult]:
    """Only the top-level nodes' results (their evidence already includes their sub-nodes')."""
    return {n: r for n, r in results.items() if n.count(".") == 1}


def train(
    rows: Sequence[Features],
    targets: Sequence[float],
    l2: float = 0.02,
    steps: int = 600,
    rate: float = 0.1,
) -> LinearModel:
    """Fit L2-regularised logistic regression (full-batch Adam; small data, deterministic)."""
    names = sorted({k for r in rows for k in r})
    index = {k: i for i, k in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for i, r in enumerate(rows):
        for k, value in r.items():
            x[i, index[k]] = value
    y = np.asarray(targets, dtype=float)
    w = np.zeros(len(names))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) / max(len(y), 1) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    weights = {k: float(w[i]) for k, i in index.items() if abs(w[i]) > 1e-6}
    digest = hashlib.sha256(json.dumps(sorted(weights.items())).encode()).hexdigest()[:10]
    return LinearModel(weights, f"model-{digest}", trained_on=len(rows))


@dataclass(frozen=True)
class Classified:
    labels: tuple[str, ...]
    results: dict[str, NodeResult]


class Classifier:
    """Rule layer plus (optionally) the learned layer; labels are top-level nodes and sub-nodes."""

    def __init__(
        self,
        rules: RuleClassifier,
        model: LinearModel | None = None,
        model_threshold: float = MODEL_THRESHOLD,
    ) -> None:
        self.rules, self.model, self.model_threshold = rules, model, model_threshold

    @property
    def version(self) -> str:
        """The rules and chain versions, and the model version, this classifier applies."""
        chains = ",".join(f"{c}@{v}" for c, v in sorted(self.rules.versions.items()))
        model = self.model.version if self.model else "no-model"
        return f"{chains};{model}"

    def classify(self, name: str = "", scope: str = "", products: str = "") -> Classified:
        """Score every node with evidence; the labels are those at or above the threshold."""
        results = self.rules.classify(name, scope, products)
        if not results:
            return Classified((), results)
        if self.model is not None:
            tops = top_results(results)
            for node, result in tops.items():
                result.confidence = self.model.score(features(node, result, tops))
        threshold = self.rules.threshold
        top_threshold = self.model_threshold if self.model is not None else threshold
        labels = [
            n for n, r in results.items() if n.count(".") == 1 and r.confidence >= top_threshold
        ]
        # a sub-node is labelled when its rule evidence is strong and its top node is labelled
        labels += [
            n
            for n, r in results.items()
            if n.count(".") > 1 and r.rule_confidence >= threshold and top_of(n) in labels
        ]
        return Classified(tuple(sorted(labels)), results)
