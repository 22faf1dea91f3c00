"""Weak-link reasons in words: each part of a score stated as the fact that produced its points."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corridor.engine.gaps import NO_DATA, Part, WeakLink


def verdict_label(result: WeakLink) -> str:
    """A weak link's verdict in words: empty for a scored node, "No data to judge" otherwise."""
    return _("No data to judge") if result.verdict == NO_DATA else ""


def no_data_explanation() -> str:
    """What is missing on a node with no data to judge."""
    return _(
        "No enterprise in the national registry is classified to this node (and none in the "
        "district), so the registry cannot observe it: a score would only reflect the missing data."
    )


def reason_text(part: Part) -> str:
    """A weak-link part as the fact that produced its points ("no leading enterprise"), never
    the measure's name alone, which read as the opposite ("leading enterprise present +15")."""
    value = part.value
    if part.name == "leader":
        if not value:
            return _("No leading enterprise on the node")
        n = int(value)
        return ngettext("%(n)s leading enterprise", "%(n)s leading enterprises", n) % {
            "n": f"{n:,}"
        }
    if part.name == "lq":
        if value is None:
            return _("Location quotient: no national data")
        return _("Location quotient %(lq)s (national average 1)") % {"lq": f"{value:.2f}"}
    if part.name == "coverage":
        if value is None:
            return _("No upstream nodes")
        return _("%(pct)s of upstream nodes present locally") % {"pct": f"{100 * value:.0f}%"}
    if not value:
        nothing = {
            "enterprises": _("No local enterprise"),
            "revenue": _("No recorded revenue"),
            "employees": _("No recorded employment"),
            "titled": _("No titled enterprise"),
        }
        return nothing.get(part.name, part.name)
    n = round(value)
    shown = {"n": f"{value:,.0f}"}
    if part.name == "revenue":
        return _("Revenue %(n)s (10k yuan)") % shown
    counted = {
        "enterprises": ngettext("%(n)s local enterprise", "%(n)s local enterprises", n),
        "employees": ngettext("%(n)s employee", "%(n)s employees", n),
        "titled": ngettext("%(n)s titled enterprise", "%(n)s titled enterprises", n),
    }
    return counted.get(part.name, part.name + " %(n)s") % shown
