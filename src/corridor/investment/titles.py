"""The titles the targeting engine scores: one table gives each its label and its bit in the mask.

The engine (`engine.targeting.TITLES`) owns each scored name's bit and weight; the registry's
`TitleKind` owns each title's label. This table joins the two, so the candidates' bitmask and the
explanation's words cannot drift apart.
"""

from __future__ import annotations

from typing import Final

from corridor.engine.targeting import TITLES
from corridor.registry.models import TitleKind

# registry kind → the engine's name for it, in the engine's order
SCORED_TITLES: Final[dict[TitleKind, str]] = {
    TitleKind.HIGH_TECH: "high_tech",
    TitleKind.SPECIALISED_SME: "specialised",
    TitleKind.LITTLE_GIANT: "little_giant",
    TitleKind.TECH_SME: "tech_sme",
}
LISTED: Final = "listed"  # a listing (上市 tag), scored like a title but not one

_BIT_OF: Final = {name: bit for name, bit, _ in TITLES}
TITLE_BITS: Final[dict[str, int]] = {
    kind.value: _BIT_OF[name] for kind, name in SCORED_TITLES.items()
}
LISTED_BIT: Final = _BIT_OF[LISTED]
_KIND_OF: Final = {name: kind for kind, name in SCORED_TITLES.items()}


def title_label(engine_name: str) -> str | None:
    """The active language's label of a scored title, by the engine's name (None if not a title)."""
    kind = _KIND_OF.get(engine_name)
    return str(kind.label) if kind is not None else None
