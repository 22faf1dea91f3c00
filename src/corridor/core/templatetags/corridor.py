"""Template helpers: money and number formatting in the unit convention, query-string edits,
glossed abbreviations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from corridor.core.channels import channel_label
from corridor.core.glossary import gloss as definition_of
from corridor.core.issue_text import issue_line as join_issue_line
from corridor.core.issue_text import issue_text

register = template.Library()


@register.filter
def wan(value: Any, places: int = 2) -> str:
    """Money stored in 万元, formatted with thousands separators; '—' when unknown."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.{int(places)}f}"


@register.filter
def num(value: Any) -> str:
    """An integer with thousands separators; '—' when unknown."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"


@register.filter
def channel(key: str) -> str:
    """The channel a change came through in words: web -> 网页, cli -> 命令行."""
    return channel_label(key)


@register.filter
def count(value: Any) -> str:
    """A count with thousands separators (303,000); '—' when unknown."""
    return num(value)


YI_IN_WAN = Decimal(10_000)  # 1 亿元 = 10,000 万元


def money_wan_text(value: Any, language: str | None = None) -> str:
    """An amount stored in 万元 with its unit, short enough to read at a glance.

    Chinese: '3,456.7 万元' below 1 亿元, '1.23 亿元' from 10,000 万元 up (eight digits of 万元
    are hard to read). English: millions of yuan, 'CNY 34.57 M', 'CNY 12,345.7 M'
    (1 万元 = CNY 10,000, so 100 万元 = CNY 1 M). '—' when unknown.
    """
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    language = language or get_language() or "zh-hans"
    if language.startswith("zh"):
        if abs(amount) >= YI_IN_WAN:
            return f"{amount / YI_IN_WAN:,.2f} 亿元"
        return f"{amount:,.1f} 万元"
    millions = amount / 100
    places = 1 if abs(millions) >= 10 else 2
    return f"CNY {millions:,.{places}f} M"


@register.filter
def money_wan(value: Any) -> str:
    """Template form of money_wan_text: `{{ v|money_wan }}` -> '1.23 亿元' / 'CNY 123.0 M'."""
    return money_wan_text(value)


@register.filter
def issue_reason(issue: Any) -> str:
    """An import issue's reason in the active language: a stored ImportIssue or an engine Issue."""
    reason = getattr(issue, "reason", None)
    fallback: str = reason if reason else getattr(issue, "message", "")
    return issue_text(issue.code, getattr(issue, "params", None) or {}, fallback)


@register.filter
def issue_line(issue: Any) -> str:
    """An import issue as "column: reason" (just the reason when it names no column)."""
    return join_issue_line(getattr(issue, "column", ""), issue_reason(issue))


@register.simple_tag(takes_context=True)
def query_with(context: dict, **changes: Any) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(name="gloss")
def gloss(term: str) -> str:
    """An abbreviation (LQ, RCA, PCI, COG) with its definition on hover: <abbr title=…>."""
    found = definition_of(term)
    if found is None:
        return format_html("{}", term)
    return format_html('<abbr class="gloss" title="{}">{}</abbr>', found, term)


# The names an error page shows for the details a DomainError carries (field=…, value=…).
DETAIL_LABELS = {
    "field": _("Field"),
    "value": _("Value"),
    "code": _("Code"),
    "name": _("Name"),
    "rank": _("Rank"),
    "project": _("Project"),
    "nodes": _("Nodes"),
    "enterprise": _("Enterprise"),
    "row": _("Row"),
    "column": _("Column"),
    "reason": _("Reason"),
}


@register.filter
def detail_label(key: str) -> str:
    """An error detail's name in the user's language (an unknown key is shown as it is)."""
    return str(DETAIL_LABELS.get(key, key))
