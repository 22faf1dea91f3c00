"""Sentences for criterion results, in zh and en, from a Message key and its parameters.

The engine stays free of Django, so its sentences live here as data in both languages, like the
zh/en labels of the policy files; the web layer picks the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.model import CriterionResult, Message

TEMPLATES: dict[str, tuple[str, str]] = {
    "shortfall_add": (
        "{year}年{what}需增加{amount}{unit}，方可达到{target}",
        "{year} {what} must rise by {amount} {unit} to reach {target}",
    ),
    "shortfall_reduce": (
        "{year}年{what}需减少{amount}{unit}，方可达到{target}",
        "{year} {what} must fall by {amount} {unit} to reach {target}",
    ),
    "unmet": ("{metric}为{value}，未达到{target}", "{metric} is {value}, short of {target}"),
    "missing": ("缺少数据：{metric}{years}", "missing data: {metric}{years}"),
    "manual_review": ("需人工评审：{metric}", "needs an expert review: {metric}"),
    "threshold_to_enter": (
        "标准待录入（须对照官方文件确认）",
        "threshold still to be entered (to be confirmed against the official text)",
    ),
    "score_short": (
        "评价得分{low}–{high}分，未达到{pass}分",
        "score {low}–{high}, short of {pass}",
    ),
}
UNITS = {
    m.MONEY: ("万元", ""),  # English states the yuan amount itself: see money_en
    m.PERSONS: ("人", "staff"),
    m.ITEMS: ("项", "items"),
    m.YEARS: ("年", "years"),
    m.PERCENT: ("%", "%"),
    m.POINTS: ("分", "points"),
}
COMPARISON_WORDS = {
    ">=": ("不低于", "at least"),
    ">": ("高于", "above"),
    "<=": ("不高于", "at most"),
    "<": ("低于", "below"),
}


PERIOD_WORDS = {
    "last_3_years": ("（近三个会计年度合计）", " (last 3 fiscal years combined)"),
    "each_last_2_years": ("（近两年每年）", " (in each of the last 2 years)"),
    "sum_last_2_years": ("（近两年合计）", " (last 2 years combined)"),
    "sum_last_3_years": ("（近三年合计）", " (last 3 years combined)"),
    "avg_last_2_years": ("（近两年平均）", " (2-year average)"),
    "cagr_2_years": ("（近两年复合增长率）", " (2-year CAGR)"),
    "growth_1_year": ("（上年增长率）", " (growth over the prior year)"),
    "growth_avg_2_years": ("（近两年平均增长率）", " (2-year average growth)"),
}


def _index(language: str) -> int:
    return 1 if language.startswith("en") else 0


def metric_label(metric_id: str, language: str) -> str:
    if metric_id == "sector":  # a tiers node switching on the sector of the industry code
        return ("所属行业", "sector")[_index(language)]
    metric = m.lookup(metric_id)
    if metric is None:
        return metric_id
    return metric.en if _index(language) else metric.zh


def number(value: Any) -> str:
    """A figure without float noise: 10, 12.5, 1,234.56."""
    if isinstance(value, bool) or value is None:
        return str(value)
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def money_en(wan: Any) -> str:
    """A sum held in 万元 as English readers count it: ¥10,700, ¥7.13 million, ¥1.2 billion."""
    yuan = float(wan) * 10_000
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(yuan) >= size:
            return f"¥{number(round(yuan / size, 2))} {word}"
    return f"¥{yuan:,.0f}"


def _figure(value: Any, unit: str, i: int) -> str:
    """A threshold or amount in the language's way of writing its unit (money in yuan in English)."""
    if i == 1 and unit == m.MONEY and not isinstance(value, bool) and value is not None:
        return money_en(value)
    return number(value)


def _target(params: Mapping[str, Any], language: str) -> str:
    word = COMPARISON_WORDS.get(params.get("comparison", ">="), ("", ""))[_index(language)]
    unit = UNITS.get(params.get("target_unit") or params.get("unit", ""), ("", ""))[
        _index(language)
    ]
    metric = metric_label(params.get("metric", ""), language)
    sep = "" if _index(language) == 0 else " "
    period = PERIOD_WORDS.get(params.get("period", ""), ("", ""))[_index(language)]
    threshold = params.get("threshold")
    if isinstance(threshold, bool):  # a yes/no criterion: its target is the statement itself
        return metric if threshold else ("否：" if _index(language) == 0 else "not: ") + metric
    figure = _figure(
        threshold, params.get("target_unit") or params.get("unit", ""), _index(language)
    )
    return f"{metric}{sep}{word}{sep}{figure}{unit if unit == '%' else sep + unit}".strip() + period


def _years(years: tuple[int, ...], i: int) -> str:
    if not years:
        return ""
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f"（{span}）" if i == 0 else f" ({span})"


def _word(value: Any, i: int) -> str:
    """A value in a sentence: yes/no for a flag, else the figure."""
    if isinstance(value, bool):
        return (("是", "否"), ("yes", "no"))[i][0 if value else 1]
    return number(value)


def render(message: Message, language: str = "zh-hans") -> str:
    """The message as a sentence in the language (zh by default, en for any 'en…')."""
    i = _index(language)
    template = TEMPLATES[message.key][i]
    p = dict(message.params)
    years = p.get("years") or ()
    words = {
        "what": metric_label(p.get("what", ""), language),
        "metric": metric_label(p.get("metric", ""), language),
        "amount": _figure(p.get("amount"), p.get("unit", ""), i),
        "unit": UNITS.get(p.get("unit", ""), ("", ""))[i],
        "year": p.get("year", ""),
        "value": _word(p.get("value"), i),
        "target": _target(p, language),
        "years": _years(tuple(years), i),
        "low": number(p.get("low")),
        "high": number(p.get("high")),
        "pass": number(p.get("pass")),
    }
    text = template.format(**words)
    return re.sub(" {2,}", " ", text) if i else text  # an empty unit leaves two spaces


def explain(row: CriterionResult, language: str = "zh-hans") -> str:
    """The sentence for one criterion result ('' when it is met)."""
    return render(row.message, language) if row.message else ""
