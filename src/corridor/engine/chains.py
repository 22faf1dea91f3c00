"""Industry chains as data: parse and validate chain definitions (the YAML files' dicts).

A chain is a directed graph of nodes by stage with supply edges ("A supplies B") inside the chain
and cross-chain edges to other chains' nodes. Each node carries the vocabulary the classifier uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

STAGES = ("upstream", "midstream", "downstream")
NODE_ID = re.compile(r"^[a-z]{2,8}(\.[a-z][a-z0-9_]{1,40})+$")
CHAIN_ID = re.compile(r"^[a-z]{2,8}$")
INDUSTRY_CODE = re.compile(r"^[A-T]\d{2,4}$")


class ChainDefinitionError(ValueError):
    """A chain definition breaks the schema; the message names the chain, node and field."""


@dataclass(frozen=True)
class Node:
    id: str
    chain: str
    name_zh: str
    name_en: str
    stage: str
    parent: str | None = None
    description_zh: str = ""
    description_en: str = ""
    products: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    counts_trade: bool = False  # trading is this node's business (brands and channels)

    @property
    def top(self) -> str:
        """The required (top-level) node id this node belongs to: itself or its root ancestor."""
        return self.id if self.parent is None else ".".join(self.id.split(".")[:2])

    def name(self, language: str) -> str:
        """The name in the given language code (Chinese unless it starts with 'en')."""
        return self.name_en if language.startswith("en") else self.name_zh


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    note_zh: str = ""
    note_en: str = ""
    cross: bool = False


@dataclass(frozen=True)
class Chain:
    id: str
    version: int
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    cross_edges: tuple[Edge, ...] = field(default=())

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError if absent)."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def name(self, language: str) -> str:
        """The name in the given language code."""
        return self.name_en if language.startswith("en") else self.name_zh


def _text(raw: Mapping[str, Any], key: str, where: str, required: bool = True) -> tuple[str, str]:
    """A {zh, en} pair from raw[key]."""
    value = raw.get(key)
    if not required and (value is None or (isinstance(value, Mapping) and not value.get("zh"))):
        return "", str(value.get("en") or "").strip() if isinstance(value, Mapping) else ""
    if not isinstance(value, Mapping) or not str(value.get("zh") or "").strip():
        raise ChainDefinitionError(f"{where}: '{key}' needs a Chinese text (zh)")
    zh = str(value["zh"]).strip()
    en = str(value.get("en") or "").strip()
    if required and not en:
        raise ChainDefinitionError(f"{where}: '{key}' needs an English text (en)")
    return zh, en


def _phrases(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """A list of non-empty, de-duplicated strings from raw[key]."""
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise ChainDefinitionError(f"{where}: '{key}' must be a list")
    out: list[str] = []
    for item in value:
        text = str(item).strip()
        if not text or any(ord(ch) < 32 for ch in text):
            raise ChainDefinitionError(f"{where}: '{key}' has an empty or control-character entry")
        if text not in out:
            out.append(text)
    return tuple(out)


def parse_node(raw: Mapping[str, Any], chain_id: str) -> Node:
    """One node from its dict, validated."""
    node_id = str(raw.get("id") or "")
    where = f"chain {chain_id}, node {node_id or '?'}"
    if not NODE_ID.match(node_id) or not node_id.startswith(chain_id + "."):
        raise ChainDefinitionError(f"{where}: id must look like '{chain_id}.name'")
    stage = raw.get("stage")
    if stage not in STAGES:
        raise ChainDefinitionError(f"{where}: stage must be one of {', '.join(STAGES)}")
    name_zh, name_en = _text(raw, "name", where)
    desc_zh, desc_en = _text(raw, "description", where, required=False)
    codes = _phrases(raw, "industry_codes", where)
    bad = [c for c in codes if not INDUSTRY_CODE.match(c)]
    if bad:
        raise ChainDefinitionError(f"{where}: industry code {bad[0]!r} is not a GB/T 4754 code")
    terms = _phrases(raw, "terms", where)
    short = [t for t in terms if len(t) < 2]
    if short:
        raise ChainDefinitionError(f"{where}: term {short[0]!r} is shorter than 2 characters")
    return Node(
        id=node_id,
        chain=chain_id,
        name_zh=name_zh,
        name_en=name_en,
        stage=stage,
        parent=raw.get("parent") or None,
        description_zh=desc_zh,
        description_en=desc_en,
        products=_phrases(raw, "products", where),
        technologies=_phrases(raw, "technologies", where),
        terms=terms,
        synonyms=_phrases(raw, "synonyms", where),
        exclusions=_phrases(raw, "exclusions", where),
        industry_codes=codes,
        counts_trade=bool(raw.get("counts_trade", False)),
    )


def _edge(raw: Any, where: str, cross: bool) -> Edge:
    """One edge from its dict."""
    if not isinstance(raw, Mapping) or not raw.get("from") or not raw.get("to"):
        raise ChainDefinitionError(f"{where}: every edge needs 'from' and 'to'")
    note = raw.get("note") or {}
    if not isinstance(note, Mapping):
        note = {"zh": str(note), "en": ""}
    return Edge(
        str(raw["from"]),
        str(raw["to"]),
        str(note.get("zh") or ""),
        str(note.get("en") or ""),
        cross,
    )


def parse_chain(raw: Mapping[str, Any]) -> Chain:
    """One chain from its dict, validated on its own (cross edges are checked by `validate_atlas`)."""
    if not isinstance(raw, Mapping):
        raise ChainDefinitionError("a chain definition must be a mapping")
    chain_id = str(raw.get("id") or "")
    if not CHAIN_ID.match(chain_id):
        raise ChainDefinitionError(f"chain id {chain_id!r} must be 2-8 lowercase letters")
    version = raw.get("version")
    if not isinstance(version, int) or version < 1:
        raise ChainDefinitionError(f"chain {chain_id}: version must be a positive integer")
    name_zh, name_en = _text(raw, "name", f"chain {chain_id}")
    desc_zh, desc_en = _text(raw, "description", f"chain {chain_id}", required=False)
    nodes = tuple(parse_node(n, chain_id) for n in raw.get("nodes") or [])
    if not nodes:
        raise ChainDefinitionError(f"chain {chain_id}: has no nodes")
    where = f"chain {chain_id}"
    edges = tuple(_edge(e, where, False) for e in raw.get("edges") or [])
    cross = tuple(_edge(e, where, True) for e in raw.get("cross_edges") or [])
    chain = Chain(chain_id, version, name_zh, name_en, desc_zh, desc_en, nodes, edges, cross)
    _check_structure(chain)
    return chain


def _check_structure(chain: Chain) -> None:
    """Unique node ids, parents inside the chain, edges between known nodes, no self-loops."""
    ids = [n.id for n in chain.nodes]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ChainDefinitionError(f"chain {chain.id}: node id {sorted(dupes)[0]} appears twice")
    known = set(ids)
    for n in chain.nodes:
        if n.parent is not None and (n.parent not in known or n.parent == n.id):
            raise ChainDefinitionError(f"chain {chain.id}, node {n.id}: unknown parent {n.parent}")
    for e in chain.edges:
        for end in (e.source, e.target):
            if end not in known:
                raise ChainDefinitionError(f"chain {chain.id}: edge end {end} is not a node")
        if e.source == e.target:
            raise ChainDefinitionError(f"chain {chain.id}: edge {e.source} → itself")
    for e in chain.cross_edges:
        if e.source not in known:
            raise ChainDefinitionError(
                f"chain {chain.id}: cross edge starts at {e.source}, not a node of this chain"
            )


def validate_atlas(chains: Sequence[Chain], required: Mapping[str, Iterable[str]] = {}) -> None:
    """Check the chains together: unique ids across chains, cross-edge targets, required node ids."""
    seen: dict[str, str] = {}
    for chain in chains:
        if chain.id in {c for c in seen.values()}:
            raise ChainDefinitionError(f"chain {chain.id} is defined twice")
        for n in chain.nodes:
            if n.id in seen:
                raise ChainDefinitionError(f"node {n.id} is defined in two chains")
            seen[n.id] = chain.id
    for chain in chains:
        for e in chain.cross_edges:
            if e.target not in seen or seen[e.target] == chain.id:
                raise ChainDefinitionError(
                    f"chain {chain.id}: cross edge {e.source} → {e.target} must reach another chain"
                )
    for chain_id, node_ids in required.items():
        for node_id in node_ids:
            if seen.get(node_id) != chain_id:
                raise ChainDefinitionError(f"chain {chain_id}: required node {node_id} is missing")


def chain_to_dict(chain: Chain) -> dict[str, Any]:
    """The inverse of `parse_chain`: a plain dict ready for YAML or JSON."""

    def text(zh: str, en: str) -> dict[str, str]:
        return {"zh": zh, "en": en}

    def edge(e: Edge) -> dict[str, Any]:
        out: dict[str, Any] = {"from": e.source, "to": e.target}
        if e.note_zh or e.note_en:
            out["note"] = text(e.note_zh, e.note_en)
        return out

    nodes = []
    for n in chain.nodes:
        item: dict[str, Any] = {
            "id": n.id,
            "parent": n.parent,
            "name": text(n.name_zh, n.name_en),
            "stage": n.stage,
            "description": text(n.description_zh, n.description_en),
        }
        for key in ("products", "technologies", "terms", "synonyms", "exclusions"):
            item[key] = list(getattr(n, key))
        item["industry_codes"] = list(n.industry_codes)
        if n.counts_trade:
            item["counts_trade"] = True
        nodes.append(item)
    return {
        "id": chain.id,
        "version": chain.version,
        "name": text(chain.name_zh, chain.name_en),
        "description": text(chain.description_zh, chain.description_en),
        "nodes": nodes,
        "edges": [edge(e) for e in chain.edges],
        "cross_edges": [edge(e) for e in chain.cross_edges],
    }
