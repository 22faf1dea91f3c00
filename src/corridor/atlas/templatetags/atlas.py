"""Template filters of the atlas: names in the active language, evidence wording."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from corridor.atlas import labels
from corridor.atlas.reasons import no_data_explanation, reason_text, verdict_label

register = template.Library()


def _lang() -> str:
    return get_language() or "zh-hans"


@register.filter
def loc_name(obj: Any) -> str:
    """A chain's or node's name in the active language."""
    return obj.name(_lang()) if obj is not None else ""


@register.filter
def node_name(node_id: str, nodes: dict) -> str:
    """The name of a node id, looked up in a {id: Node} dict."""
    node = nodes.get(node_id) if nodes else None
    return node.name(_lang()) if node is not None else node_id


@register.filter
def lookup(mapping: dict, key: Any) -> Any:
    """mapping[key] (or '')."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def pct(value: float | None) -> str:
    """A share in [0, 1] as a percentage."""
    return "—" if value is None else f"{100 * value:.0f}%"


@register.filter
def discount_text(code: str | None) -> str:
    """Why evidence was discounted, in words."""
    return {
        "trade_only": _("only sells it"),
        "repair_only": _("only repairs or maintains it"),
        "rental_only": _("only rents it out"),
        "negated": _("excluded by 不含/除…外"),
        "excluded": _("a node exclusion phrase is in the same clause"),
        "application": _("names what the product is for, not the product"),
    }.get(code or "", "")


@register.filter
def field_text(code: str) -> str:
    """Where evidence was found, in words."""
    return {"name": _("name"), "scope": _("business scope"), "products": _("products")}.get(
        code, code
    )


@register.filter
def stage_text(stage: str) -> str:
    """A chain stage in words."""
    return {
        "upstream": _("upstream"),
        "midstream": _("midstream"),
        "downstream": _("downstream"),
    }.get(stage, stage)


@register.filter
def weak_reason(part: Any) -> str:
    """A weak-link part as the fact that produced its points (see atlas.reasons)."""
    return reason_text(part)


@register.filter
def weak_verdict(result: Any) -> str:
    """A weak link's verdict in words ("No data to judge"; empty for a scored node)."""
    return verdict_label(result)


@register.simple_tag
def no_data_why() -> str:
    """What is missing on a node with no data to judge."""
    return no_data_explanation()


@register.filter
def classifier_label(version: str) -> str:
    """A classifier version string in words (the raw string belongs in a tooltip)."""
    return labels.classifier_label(version or "")


@register.filter
def model_label(version: str) -> str:
    """A learned-layer version in words: when it was trained, or built in."""
    return labels.model_label(version or "")
