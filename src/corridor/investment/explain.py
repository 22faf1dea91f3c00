"""A target's score in words an official can repeat (one sentence per weighted part)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from corridor.investment.titles import title_label

PART_NAMES = {
    "fit": lambda: _("Fit"),
    "scale": lambda: _("Scale"),
    "growth": lambda: _("Growth"),
    "quality": lambda: _("Quality"),
    "linkage": lambda: _("Linkage"),
    "expansion": lambda: _("Expansion"),
    "distance": lambda: _("Distance"),
}


def part_name(part: str) -> str:
    """The part's name in the active language."""
    return PART_NAMES[part]()


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def sentence(part: str, facts: dict[str, Any]) -> str:
    """One part's facts as a sentence."""
    if part == "fit":
        return _("on the node with confidence %(c).2f (%(e)d pieces of evidence)") % {
            "c": facts["confidence"] or 0,
            "e": int(facts["evidence"] or 0),
        }
    if part == "scale":
        return _("revenue %(r)s (10k yuan)") % {"r": f"{facts['revenue'] or 0:,.0f}"}
    if part == "growth":
        if facts["cagr"] is None:
            return _("revenue growth unknown")
        if facts["cagr"] < 0:
            return _("revenue fell %(g)s a year over three years") % {"g": _pct(-facts["cagr"])}
        return _("revenue grew %(g)s a year over three years") % {"g": _pct(facts["cagr"])}
    if part == "quality":
        names = [label for t in facts["titles"] if (label := title_label(t))]
        if facts["listed"]:
            names.append(_("listed"))
        text = "、".join(names) if names else _("no title in force")
        if facts["rd_intensity"] is not None:
            text += _("; R&D intensity %(r)s") % {"r": _pct(facts["rd_intensity"])}
        return text
    if part == "linkage":
        return _(
            "supplies %(s)s of its customer nodes where the district has leaders; %(b)s of its supplier nodes are local; its city hosts %(c)s of the district's nodes"
        ) % {
            "s": _pct(facts["supplies_leaders"]),
            "b": _pct(facts["buys_local"]),
            "c": _pct(facts["colocated"]),
        }
    if part == "expansion":
        text = _("equity raised last year %(e)s (10k yuan)") % {"e": f"{facts['equity'] or 0:,.0f}"}
        growth = facts["capacity_growth"]
        if growth is not None and growth < 0:
            text += _("; staff fell %(g)s in two years") % {"g": _pct(-growth)}
        elif growth is not None:
            text += _("; staff grew %(g)s in two years") % {"g": _pct(growth)}
        return text
    if part == "distance":
        km = facts["km"]
        text = (
            _("distance unknown") if km is None else _("%(km)s km from Jinhua") % {"km": f"{km:,}"}
        )
        return text + (_(", in the Yangtze River Delta") if facts["yrd"] else "")
    return ""


def reasons_in_words(
    reasons: tuple[tuple[str, dict[str, Any]], ...], contributions: dict[str, float]
) -> list[dict[str, Any]]:
    """Every weighted part: its name, points and sentence, largest first."""
    return [
        {
            "part": part,
            "name": part_name(part),
            "points": contributions.get(part, 0.0),
            "text": sentence(part, facts),
        }
        for part, facts in reasons
    ]


STRATEGY_NAMES = {
    "balanced": lambda: _("balanced"),
    "strengthen": lambda: _("strengthen the chain"),
    "fill_gaps": lambda: _("fill the gaps"),
    "nearby": lambda: _("nearby first"),
}


def strategy_labels(names: list[str]) -> dict[str, str]:
    """Display names of strategies: presets translated, saved ones as their users named them."""
    return {n: STRATEGY_NAMES[n]() if n in STRATEGY_NAMES else n for n in names}
