"""The packaged chain files and the packaged model: loading, validation, caching of the live atlas."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from corridor.engine.chains import Chain, parse_chain, validate_atlas
from corridor.engine.classify import RuleClassifier
from corridor.engine.classify_model import Classifier, LinearModel

CHAIN_ORDER = ("nev", "pt", "lm", "lh", "sb")
REQUIRED_NODES: dict[str, tuple[str, ...]] = {
    "nev": (
        "nev.battery_materials",
        "nev.battery",
        "nev.motor",
        "nev.power_electronics",
        "nev.auto_electronics",
        "nev.e_drive",
        "nev.thermal",
        "nev.chassis",
        "nev.body_parts",
        "nev.intelligent",
        "nev.vehicle",
        "nev.charging",
        "nev.aftermarket",
    ),
    "pt": (
        "pt.motor",
        "pt.battery",
        "pt.controls",
        "pt.transmission",
        "pt.housing",
        "pt.handheld",
        "pt.garden",
        "pt.stationary",
        "pt.accessories",
        "pt.channel",
    ),
    "lm": (
        "lm.aluminium",
        "lm.magnesium",
        "lm.composites",
        "lm.plastics",
        "lm.powder_metallurgy",
        "lm.steel",
        "lm.forming",
        "lm.auto_lightweight",
        "lm.recycling",
    ),
    "lh": ("lh.cro", "lh.pharma", "lh.devices", "lh.tcm", "lh.health_food", "lh.services"),
    "sb": (
        "sb.tools",
        "sb.supplies",
        "sb.biomanufacturing",
        "sb.materials",
        "sb.food",
        "sb.cosmetics",
        "sb.agri_env",
    ),
}


def _package_dir() -> Any:
    return resources.files("corridor.atlas")


def packaged_definitions() -> dict[str, dict[str, Any]]:
    """The raw dicts of the packaged chain files, by chain id, in the atlas order."""
    out: dict[str, dict[str, Any]] = {}
    for key in CHAIN_ORDER:
        text = (_package_dir() / "chains" / f"{key}.yaml").read_text(encoding="utf-8")
        out[key] = yaml.safe_load(text)
    return out


def parse_atlas(definitions: dict[str, dict[str, Any]]) -> tuple[Chain, ...]:
    """Parse and validate a set of chain definitions together."""
    chains = tuple(parse_chain(d) for d in definitions.values())
    validate_atlas(chains, REQUIRED_NODES)
    return chains


def packaged_model() -> LinearModel | None:
    """The model shipped with the package (trained on the labelled set), if present."""
    path = _package_dir() / "data" / "model.json"
    if not path.is_file():
        return None
    return LinearModel.from_json(path.read_text(encoding="utf-8"))


def labelled_path() -> Any:
    """The packaged labelled evaluation/training set (JSON lines)."""
    return _package_dir() / "data" / "labelled" / "companies.jsonl"


@lru_cache(maxsize=4)
def build_classifier(chains: tuple[Chain, ...], model_json: str | None) -> Classifier:
    """A classifier for these chain versions and model (cached: building the automaton costs ~0.1 s)."""
    model = LinearModel.from_json(model_json) if model_json else None
    return Classifier(RuleClassifier(chains), model)


def packaged_classifier() -> Classifier:
    """The classifier of a fresh install: packaged chains and packaged model, no database needed."""
    model = packaged_model()
    return build_classifier(parse_atlas(packaged_definitions()), model.to_json() if model else None)


def training_inputs_digest() -> str:
    """A hash of what the packaged model is trained from: the chain files, the labelled set, the engine."""
    digest = hashlib.sha256()
    for key in CHAIN_ORDER:
        digest.update((_package_dir() / "chains" / f"{key}.yaml").read_bytes())
    digest.update(labelled_path().read_bytes())
    engine = resources.files("corridor.engine")
    for name in ("classify.py", "classify_model.py"):
        digest.update((engine / name).read_bytes())
    return digest.hexdigest()[:16]
