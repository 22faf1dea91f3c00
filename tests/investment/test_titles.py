"""One table gives the scored titles their labels and their bits in the targeting mask."""

from __future__ import annotations

from django.utils import translation

from corridor.engine.targeting import TITLES
from corridor.investment import explain
from corridor.investment.titles import LISTED, LISTED_BIT, SCORED_TITLES, TITLE_BITS, title_label
from corridor.registry.models import TitleKind


def test_every_scored_title_has_a_kind_a_label_and_a_distinct_bit() -> None:
    engine_names = [name for name, _, _ in TITLES]
    assert sorted(SCORED_TITLES.values()) == sorted(n for n in engine_names if n != LISTED)
    bits = [*TITLE_BITS.values(), LISTED_BIT]
    assert len(set(bits)) == len(bits) == len(TITLES)
    assert all(bit > 0 and bit & (bit - 1) == 0 for bit in bits)  # one bit each
    assert set(TITLE_BITS) <= set(TitleKind.values)
    with translation.override("en"):
        for kind, name in SCORED_TITLES.items():
            assert title_label(name) == str(kind.label) != ""
    assert title_label(LISTED) is None


def test_the_explanation_names_titles_by_the_registry_label() -> None:
    facts = {"titles": ["specialised", "high_tech"], "listed": True, "rd_intensity": None}
    with translation.override("zh-hans"):
        text = explain.sentence("quality", facts)
        specialised = str(TitleKind.SPECIALISED_SME.label)
        high_tech = str(TitleKind.HIGH_TECH.label)
    assert text == f"{specialised}、{high_tech}、上市公司"
