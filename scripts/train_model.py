"""Train the packaged learned layer on the packaged labelled set and write atlas/data/model.json.

Run after editing a chain file or the labelled set (a test fails until you do):
    .venv/bin/python scripts/train_model.py
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corridor.atlas.chains import (  # noqa: E402
    labelled_path,
    packaged_definitions,
    parse_atlas,
    training_inputs_digest,
)
from corridor.engine.classify import RuleClassifier  # noqa: E402
from corridor.engine.classify_model import Example, top_of, train, training_rows  # noqa: E402


def main() -> None:
    import json

    chains = parse_atlas(packaged_definitions())
    rules = RuleClassifier(chains)
    examples = []
    for line in labelled_path().read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            labels = frozenset(top_of(n) for n in item.get("labels") or [])
            examples.append(
                Example(item["name"], item.get("scope", ""), item.get("products", ""), labels)
            )
    model = train(*training_rows(rules, examples))
    model.meta = {
        "inputs": training_inputs_digest(),
        "examples": len(examples),
        "chains": {c.id: c.version for c in chains},
    }
    out = ROOT / "src" / "corridor" / "atlas" / "data" / "model.json"
    out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"{model.version}: {model.trained_on} rows from {len(examples)} companies -> {out}")
    print("inputs", hashlib.sha256(out.read_bytes()).hexdigest()[:12])


if __name__ == "__main__":
    main()
