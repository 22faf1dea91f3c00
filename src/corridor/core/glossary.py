"""Abbreviations readers meet on the pages, with the definition shown on hover: the one home of
these definitions (the template tag {% gloss "LQ" %} renders them)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GLOSSARY: dict[str, Promise] = {
    "LQ": _(
        "Location quotient: the district's share of enterprises on a node divided by the "
        "nation's share; above 1 means the district is more specialised in it than the country."
    ),
    "RCA": _(
        "Revealed comparative advantage: a place's share of enterprises in an activity divided by "
        "the national share (the location quotient); 1 or more means the place specialises in it."
    ),
    "PCI": _(
        "Product (node) complexity index: how much know-how an activity needs, judged by how few "
        "and how diversified the places that have it are; higher is more complex."
    ),
    "COG": _(
        "Complexity outlook gain: how much developing a node would bring the district closer to "
        "complex nodes it does not have yet; higher opens more opportunities."
    ),
}


def gloss(term: str) -> str | None:
    """The definition of an abbreviation in the active language, or None if it has none."""
    found = GLOSSARY.get(term)
    return str(found) if found is not None else None
