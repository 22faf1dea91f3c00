"""The demo vocabulary speaks the atlas's language: its node ids are exactly the atlas's node ids."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from corridor.atlas.chains import packaged_definitions, parse_atlas
from corridor.demo import generator
from corridor.demo import vocab as V

NODE_ID = re.compile(r"^[a-z]{2,8}\.[a-z_.]+$")


def atlas_node_ids() -> set[str]:
    return {node.id for chain in parse_atlas(packaged_definitions()) for node in chain.nodes}


def atlas_chain_ids() -> set[str]:
    return {chain.id for chain in parse_atlas(packaged_definitions())}


def test_the_vocabulary_has_exactly_the_atlas_node_ids() -> None:
    atlas, demo = atlas_node_ids(), set(V.nodes())
    assert not demo - atlas, f"demo nodes missing from the atlas: {sorted(demo - atlas)}"
    assert not atlas - demo, f"atlas nodes without a demo vocabulary: {sorted(atlas - demo)}"


def test_every_node_id_in_the_weights_is_an_atlas_node() -> None:
    atlas, chains = atlas_node_ids(), atlas_chain_ids()
    mix, places = V.mix(), V.places()
    named = [
        *mix.local_node_weights,
        *mix.local_leader_nodes,
        *mix.national_node_tweaks,
        *(key for key in places.specialisation if "." in key),
    ]
    assert not set(named) - atlas, sorted(set(named) - atlas)
    prefixes = {key for key in places.specialisation if "." not in key}
    assert prefixes <= chains and set(mix.national_chain_share) == chains
    assert set(mix.local_chain_share) == chains


def test_node_ids_written_in_the_generator_code_are_atlas_nodes() -> None:
    """Literal ids (or id prefixes in startswith) in generator.py name real nodes."""
    atlas = atlas_node_ids()
    tree = ast.parse(Path(generator.__file__).read_text(encoding="utf-8"))
    literals = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and NODE_ID.match(node.value)
    }
    assert literals  # the scan finds the ids it is meant to check
    unknown = {v for v in literals if not any(i == v or i.startswith(v) for i in atlas)}
    assert not unknown, sorted(unknown)


def test_every_place_in_the_weights_is_a_real_place() -> None:
    """A misspelt city would silently weigh nothing."""
    places = generator.load_places()
    cities = {p.city for p in places}
    counties = {f"{p.city}/{p.county}" for p in places}
    named = {key for table in V.places().specialisation.values() for key in table}
    assert not named - cities - counties, sorted(named - cities - counties)
    assert not set(V.places().city_size) - cities, sorted(set(V.places().city_size) - cities)
    provinces = {p.province for p in places}
    assert set(V.places().province_manufacturing) <= provinces
