"""Template helpers: money and number formatting in the unit convention, query-string edits,
glossed abbreviations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html

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
