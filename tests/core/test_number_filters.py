"""Counts carry thousands separators; money in 万元 reads as 万元 or 亿元 (CNY millions in English)."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from corridor.core.templatetags.corridor import money_wan_text


def _render(text: str, **values: object) -> str:
    return Template("{% load corridor %}" + text).render(Context(values))


def test_count_has_thousands_separators() -> None:
    assert _render("{{ n|count }}", n=303000) == "303,000"
    assert _render("{{ n|count }}", n=None) == "—"


def test_money_wan_switches_to_yi_from_ten_thousand_wan() -> None:
    assert money_wan_text(Decimal("3456.7"), "zh-hans") == "3,456.7 万元"
    assert money_wan_text(Decimal("9999.94"), "zh-hans") == "9,999.9 万元"
    assert money_wan_text(12345, "zh-hans") == "1.23 亿元"
    assert money_wan_text(Decimal("123456789"), "zh-hans") == "12,345.68 亿元"
    assert money_wan_text(None, "zh-hans") == "—"


def test_money_wan_in_english_is_cny_millions() -> None:
    assert money_wan_text(12300, "en") == "CNY 123.0 M"
    assert money_wan_text(Decimal("345.6"), "en") == "CNY 3.46 M"
    assert money_wan_text(Decimal("123456789"), "en") == "CNY 1,234,567.9 M"


def test_money_wan_filter_follows_the_active_language() -> None:
    with translation.override("zh-hans"):
        assert _render("{{ v|money_wan }}", v=20000) == "2.00 亿元"
    with translation.override("en"):
        assert _render("{{ v|money_wan }}", v=20000) == "CNY 200.0 M"
