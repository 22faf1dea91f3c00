"""The demo generator's vocabularies and weights, read once from the YAML files in ``data/``.

Scope phrases follow the style of the 经营范围规范表述 catalogue; industry codes are GB/T 4754-2017
classes. The files hold the data, ``generator.py`` the logic. No Django: the generator runs in a
spawned child process (``producer.py``). Mapping order in the files is kept and is part of the
seeded output.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _load(name: str) -> Any:
    """One data file, parsed once."""
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)


@dataclass(frozen=True, slots=True)
class Phrases:
    """Business-scope phrases: boilerplate tails, add-on clauses, the old registry style."""

    scope_general_tail: str
    scope_licensed_tail: str
    scope_old_tail: str
    tech_services: str
    generic_common: tuple[str, ...]
    generic_maker: tuple[str, ...]
    generic_service: tuple[str, ...]
    generic_licensed: tuple[str, ...]
    old_style_verbs: tuple[str, ...]
    old_style_extras: tuple[str, ...]
    exclusions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Names:
    """Company-name pieces: 字号 characters, blocked brands, legal forms."""

    trade_name_chars: str
    famous_brands: tuple[str, ...]
    legal_forms: tuple[tuple[str, float], ...]
    foreign_mark: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Places:
    """Local addresses and parks, national roads, and the regional weights."""

    wucheng_streets: tuple[tuple[str, tuple[str, ...]], ...]
    parks: tuple[str, ...]
    park_address: dict[str, str]
    roads: tuple[str, ...]
    city_size: dict[str, float]
    specialisation: dict[str, dict[str, float]]
    province_manufacturing: dict[str, float]


@dataclass(frozen=True, slots=True)
class Mix:
    """Chain and node shares (national and local), local leaders, staff productivity."""

    national_chain_share: dict[str, float]
    local_chain_share: dict[str, float]
    local_node_weights: dict[str, float]
    local_leader_nodes: tuple[str, ...]
    revenue_per_employee: dict[str, tuple[float, float]]
    national_node_tweaks: dict[str, float]


def nodes() -> dict[str, dict[str, Any]]:
    """Chain-node vocabularies keyed by atlas node id (``data/nodes.yaml``)."""
    table: dict[str, dict[str, Any]] = _load("nodes.yaml")
    return table


def trades() -> dict[str, dict[str, Any]]:
    """Background trades keyed by name (``data/trades.yaml``)."""
    table: dict[str, dict[str, Any]] = _load("trades.yaml")
    return table


@cache
def phrases() -> Phrases:
    """Business-scope phrases (``data/phrases.yaml``)."""
    raw = _load("phrases.yaml")
    return Phrases(
        scope_general_tail=raw["scope_general_tail"],
        scope_licensed_tail=raw["scope_licensed_tail"],
        scope_old_tail=raw["scope_old_tail"],
        tech_services=raw["tech_services"],
        generic_common=tuple(raw["generic_common"]),
        generic_maker=tuple(raw["generic_maker"]),
        generic_service=tuple(raw["generic_service"]),
        generic_licensed=tuple(raw["generic_licensed"]),
        old_style_verbs=tuple(raw["old_style_verbs"]),
        old_style_extras=tuple(raw["old_style_extras"]),
        exclusions=tuple(raw["exclusions"]),
    )


@cache
def names() -> Names:
    """Company-name pieces (``data/names.yaml``)."""
    raw = _load("names.yaml")
    return Names(
        trade_name_chars="".join(raw["trade_name_chars"]),
        famous_brands=tuple(raw["famous_brands"]),
        legal_forms=tuple(raw["legal_forms"].items()),
        foreign_mark=tuple(raw["foreign_mark"]),
    )


@cache
def places() -> Places:
    """Addresses, parks and regional weights (``data/places.yaml``)."""
    raw = _load("places.yaml")
    return Places(
        wucheng_streets=tuple((k, tuple(v)) for k, v in raw["wucheng_streets"].items()),
        parks=tuple(raw["parks"]),
        park_address=raw["park_address"],
        roads=tuple(raw["roads"]),
        city_size=raw["city_size"],
        specialisation=raw["specialisation"],
        province_manufacturing=raw["province_manufacturing"],
    )


@cache
def mix() -> Mix:
    """Shares and weights of the generated mix (``data/mix.yaml``)."""
    raw = _load("mix.yaml")
    return Mix(
        national_chain_share=raw["national_chain_share"],
        local_chain_share=raw["local_chain_share"],
        local_node_weights=raw["local_node_weights"],
        local_leader_nodes=tuple(raw["local_leader_nodes"]),
        revenue_per_employee={k: (v[0], v[1]) for k, v in raw["revenue_per_employee"].items()},
        national_node_tweaks=raw["national_node_tweaks"],
    )
