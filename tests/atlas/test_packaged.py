"""The packaged chains, labelled set and model: valid, consistent, usable without a database."""

from __future__ import annotations

import json
from collections import Counter

from corridor.atlas import chains as packaged
from corridor.engine.classify_model import top_of


def _labelled() -> list[dict]:
    text = packaged.labelled_path().read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_labelled_set_covers_every_node_with_real_negatives() -> None:
    items = _labelled()
    nodes = {n for ids in packaged.REQUIRED_NODES.values() for n in ids}
    positives = Counter(top_of(n) for i in items for n in i["labels"])
    assert len(items) >= 300
    assert set(positives) <= nodes
    assert min(positives[n] for n in nodes) >= 5, sorted(positives.items(), key=lambda kv: kv[1])[
        :3
    ]
    assert sum(i["kind"] == "hard_negative" and not i["labels"] for i in items) >= 100
    names = [i["name"] for i in items]
    assert len(names) == len(set(names))


def test_packaged_model_is_trained_on_the_current_inputs() -> None:
    model = packaged.packaged_model()
    assert model is not None
    assert model.meta["inputs"] == packaged.training_inputs_digest(), (
        "chains, labelled set or classifier changed: run scripts/train_model.py"
    )


def test_packaged_classifier_needs_no_database() -> None:
    classifier = packaged.packaged_classifier()
    found = classifier.classify(
        "某某新能源科技有限公司", "锂离子电池制造；动力电池研发", "动力电池包"
    )
    assert "nev.battery" in found.labels
    assert classifier.classify("某某餐饮有限公司", "餐饮服务；食品销售", "").labels == ()
    assert classifier.version.endswith(packaged.packaged_model().version)
