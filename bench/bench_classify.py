"""Classifier quality and speed.

Quality: the packaged labelled set of real companies (src/corridor/atlas/data/labelled), scored by
5-fold cross-validation — the learned layer is trained on four folds and scored on the fifth, so no
company is scored by a model that saw it — plus the rule layer alone. Prints precision, recall and
F1 per chain and per node, macro averages, and the false-positive rate on negatives.

Speed: enterprises per second on one core over registry-length synthetic text, beside a jieba +
TF-IDF baseline (cosine to each node's vocabulary) measured in the same run.
Run: .venv/bin/python bench/bench_classify.py [--speed-n 40000] [--baseline-n 4000] [--folds 5]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corridor.atlas.chains import (  # noqa: E402
    REQUIRED_NODES,
    labelled_path,
    packaged_definitions,
    packaged_model,
    parse_atlas,
)
from corridor.engine.classify import RuleClassifier  # noqa: E402
from corridor.engine.classify_model import (  # noqa: E402
    Classifier,
    Example,
    top_of,
    train,
    training_rows,
)

TOPS = [n for nodes in REQUIRED_NODES.values() for n in nodes]


def load_labelled() -> list[dict]:
    """The labelled companies (one dict per line)."""
    lines = labelled_path().read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def example(item: dict) -> Example:
    labels = frozenset(top_of(n) for n in item.get("labels") or [])
    return Example(item["name"], item.get("scope", ""), item.get("products", ""), labels)


def predict(classifier: Classifier, item: dict) -> set[str]:
    """Top-level nodes predicted for one labelled company."""
    found = classifier.classify(item["name"], item.get("scope", ""), item.get("products", ""))
    return {top_of(n) for n in found.labels}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(items: list[dict], predictions: list[set[str]]) -> dict:
    """Per node and per chain counts, P/R/F1, macro averages and the negatives' false-positive rate."""
    node_c: dict[str, Counter] = defaultdict(Counter)
    chain_c: dict[str, Counter] = defaultdict(Counter)
    fp_neg = negatives = 0
    for item, pred in zip(items, predictions, strict=True):
        gold = {top_of(n) for n in item.get("labels") or []}
        for n in TOPS:
            key = (
                "tp"
                if n in gold and n in pred
                else "fn"
                if n in gold
                else "fp"
                if n in pred
                else None
            )
            if key:
                node_c[n][key] += 1
        gold_ch, pred_ch = {n.split(".")[0] for n in gold}, {n.split(".")[0] for n in pred}
        for c in REQUIRED_NODES:
            key = (
                "tp"
                if c in gold_ch and c in pred_ch
                else "fn"
                if c in gold_ch
                else "fp"
                if c in pred_ch
                else None
            )
            if key:
                chain_c[c][key] += 1
        if not gold:
            negatives += 1
            fp_neg += bool(pred)
    nodes = {n: prf(c["tp"], c["fp"], c["fn"]) + (c["tp"] + c["fn"],) for n, c in node_c.items()}
    chains = {c: prf(k["tp"], k["fp"], k["fn"]) + (k["tp"] + k["fn"],) for c, k in chain_c.items()}
    return {
        "nodes": nodes,
        "chains": chains,
        "node_macro_f1": statistics.mean(v[2] for v in nodes.values() if v[3]) if nodes else 0.0,
        "chain_macro_f1": statistics.mean(v[2] for v in chains.values() if v[3]) if chains else 0.0,
        "fp_rate_negatives": fp_neg / negatives if negatives else 0.0,
        "negatives": negatives,
    }


def cross_validate(
    rules: RuleClassifier, items: list[dict], folds: int, seed: int = 11
) -> list[set[str]]:
    """Predictions for every item from a model trained without its fold."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    fold_of = {i: k % folds for k, i in enumerate(order)}
    predictions: list[set[str]] = [set() for _ in items]
    for f in range(folds):
        train_items = [example(items[i]) for i in range(len(items)) if fold_of[i] != f]
        model = train(*training_rows(rules, train_items))
        classifier = Classifier(rules, model)
        for i in range(len(items)):
            if fold_of[i] == f:
                predictions[i] = predict(classifier, items[i])
    return predictions


def print_quality(title: str, result: dict) -> None:
    print(f"-- {title}")
    print(
        f"   chain-level macro-F1 {result['chain_macro_f1']:.3f} (target ≥ 0.90); "
        f"node-level macro-F1 {result['node_macro_f1']:.3f} (target ≥ 0.80); "
        f"false positives on {result['negatives']} negatives {100 * result['fp_rate_negatives']:.1f}% (target ≤ 3%)"
    )


def print_table(result: dict) -> None:
    print(f"   {'chain':<8}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
    for c, (p, r, f, n) in sorted(result["chains"].items()):
        print(f"   {c:<8}{p:7.3f}{r:7.3f}{f:7.3f}{n:6d}")
    print(f"   {'node':<24}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
    for n in TOPS:
        p, r, f, k = result["nodes"].get(n, (0.0, 0.0, 0.0, 0))
        print(f"   {n:<24}{p:7.3f}{r:7.3f}{f:7.3f}{k:6d}")


# --- speed ------------------------------------------------------------------------------------


def registry_texts(n: int) -> list[tuple[str, str, str]]:
    """(name, scope, products) of n synthetic national registry records (the demo generator)."""
    from corridor.demo.generator import generate_national

    return [
        (e.name, e.business_scope, e.main_products) for e in generate_national(seed=99, count=n)
    ]


def tfidf_baseline(chains, texts: list[tuple[str, str, str]]) -> float:  # type: ignore[no-untyped-def]
    """Seconds to label texts with jieba + TF-IDF cosine against each node's vocabulary document."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    docs = {n.id: " ".join(n.terms + n.synonyms + n.products) for c in chains for n in c.nodes}
    tokens = {k: jieba.lcut(v) for k, v in docs.items()}
    df = Counter(t for toks in tokens.values() for t in set(toks))
    idf = {t: math.log(len(docs) / c) + 1 for t, c in df.items()}

    def vector(toks: list[str]) -> dict[str, float]:
        tf = Counter(t for t in toks if t in idf)
        v = {t: c * idf[t] for t, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    node_vectors = {k: vector(v) for k, v in tokens.items()}
    start = time.perf_counter()
    for name, scope, products in texts:
        v = vector(jieba.lcut(f"{name} {scope} {products}"))
        [k for k, nv in node_vectors.items() if sum(x * nv.get(t, 0.0) for t, x in v.items()) > 0.3]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--speed-n", type=int, default=40_000)
    parser.add_argument("--baseline-n", type=int, default=4_000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quiet", action="store_true", help="no per-node table")
    args = parser.parse_args()

    chains = parse_atlas(packaged_definitions())
    rules = RuleClassifier(chains)
    items = load_labelled()
    kinds = Counter(i.get("kind", "?") for i in items)
    print(f"labelled set: {len(items)} real companies ({dict(kinds)}), {len(TOPS)} nodes, 5 chains")

    rule_only = score(items, [predict(Classifier(rules), i) for i in items])
    print_quality(
        "rule layer alone (no learning; the vocabularies were written without this set)", rule_only
    )
    cv = score(items, cross_validate(rules, items, args.folds))
    print_quality(f"rules + learned layer, {args.folds}-fold cross-validation (held-out folds)", cv)
    if not args.quiet:
        print_table(cv)
    model = packaged_model()
    if model is not None:
        packaged = score(items, [predict(Classifier(rules, model), i) for i in items])
        print_quality(
            "packaged model on its own training set (optimistic; for reference only)", packaged
        )

    texts = registry_texts(args.speed_n)
    mean_len = statistics.mean(len(s) + len(n) + len(p) for n, s, p in texts)
    classifier = Classifier(rules, model)
    start = time.perf_counter()
    labelled = sum(bool(classifier.classify(n, s, p).labels) for n, s, p in texts)
    ours = time.perf_counter() - start
    base = tfidf_baseline(chains, texts[: args.baseline_n])
    ours_rate, base_rate = len(texts) / ours, args.baseline_n / base
    print(
        f"-- speed, one core, {len(texts):,} synthetic registry records (mean {mean_len:.0f} characters)"
    )
    print(
        f"   classifier: {ours_rate:,.0f} enterprises/s ({labelled:,} labelled; target ≥ 20,000/s)"
    )
    print(f"   jieba + TF-IDF baseline on {args.baseline_n:,}: {base_rate:,.0f} enterprises/s")
    print(f"   ratio: {ours_rate / base_rate:.1f}× the baseline")


if __name__ == "__main__":
    main()
