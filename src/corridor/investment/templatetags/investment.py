"""Template filters of investment attraction."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def stage_name(stage: Any) -> str:
    """A stage's (or lost reason's) name in the active language."""
    if stage is None:
        return ""
    english = (get_language() or "").startswith("en")
    return stage.name_en if english else stage.name_zh


@register.filter
def channel_name(key: str) -> str:
    """A source channel's name in the active language (the key when the list no longer has it)."""
    from corridor.investment.stages import channels

    english = (get_language() or "").startswith("en")
    for k, zh, en in channels():
        if k == key:
            return en if english else zh
    return key
