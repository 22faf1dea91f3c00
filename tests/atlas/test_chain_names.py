"""Every shipped chain file's names load as written: a {zh, en} pair of whole texts.

An unquoted English name with a comma inside a flow mapping (`name: {zh: 车身与内外饰, en: Body,
interior and exterior parts}`) loads as en "Body" plus a stray key "interior and exterior parts";
the atlas then showed the node as "Body".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from corridor.atlas import chains as packaged
from corridor.engine.chains import parse_chain

CHAIN_FILES = sorted((Path(packaged.__file__).parent / "chains").glob("*.yaml"))
TEXTS = ("name", "description")  # the {zh, en} texts of a chain and of its nodes
FLOW_NAME = re.compile(r"^\s*name:\s*\{(?P<inner>.*)\}\s*$")


def _texts(doc: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(where, key, value) of the chain's and every node's names and descriptions."""
    found = [(doc["id"], key, doc[key]) for key in TEXTS if key in doc]
    for node in doc["nodes"]:
        found += [(node["id"], key, node[key]) for key in TEXTS if key in node]
    return found


def test_every_chain_file_is_checked() -> None:
    assert {p.stem for p in CHAIN_FILES} == set(packaged.CHAIN_ORDER)


@pytest.mark.parametrize("path", CHAIN_FILES, ids=lambda p: p.stem)
def test_names_are_whole_zh_en_pairs_and_round_trip(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for where, key, value in _texts(doc):
        assert isinstance(value, dict) and set(value) == {"zh", "en"}, (where, key, value)
        assert all(isinstance(v, str) and v.strip() == v and v for v in value.values()), (
            where,
            key,
            value,
        )
        written = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=True)
        assert yaml.safe_load(written) == {key: value}, (where, written)
    parsed = parse_chain(doc)  # and the loader keeps them as they are
    assert (parsed.name_zh, parsed.name_en) == (doc["name"]["zh"], doc["name"]["en"])
    raw = {n["id"]: n["name"] for n in doc["nodes"]}
    assert {n.id: {"zh": n.name_zh, "en": n.name_en} for n in parsed.nodes} == raw


@pytest.mark.parametrize("path", CHAIN_FILES, ids=lambda p: p.stem)
def test_a_name_written_inline_quotes_any_comma(path: Path) -> None:
    """In `name: {zh: …, en: …}` a bare comma ends the text; a text with one must be quoted."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = FLOW_NAME.match(line)
        if not match:
            continue
        parts = re.split(r",\s*(?=(?:zh|en):)", match["inner"])
        for part in parts:
            text = part.split(":", 1)[1].strip()
            quoted = len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'"
            assert quoted or "," not in text, f"{path.name}:{number}: quote {text!r}"


def test_the_body_parts_node_has_its_whole_english_name(db) -> None:  # type: ignore[no-untyped-def]
    from corridor.atlas import selectors
    from corridor.atlas.services import ensure_packaged_chains

    ensure_packaged_chains()
    assert selectors.node_index()["nev.body_parts"].name_en == "Body, interior and exterior parts"
