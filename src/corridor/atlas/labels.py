"""Internal ids as words for readers: classifier version strings ("lh@2,nev@3;model-ab12" →
"规则（各产业链 v2–v3）+ 学习模型（12月3日训练）"). The raw id stays in a tooltip."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from corridor.atlas.models import Chain, LearnedModel
from corridor.core.params import ascii_int


def _chain_versions(part: str) -> dict[str, int] | None:
    out = {}
    for item in part.split(","):
        key, sep, number = item.partition("@")
        value = ascii_int(number) if sep else None
        if value is None:
            return None
        out[key] = value
    return out


def model_label(version: str) -> str:
    """A learned-layer version in words: when it was trained, or that it is the packaged one."""
    if not version or version == "no-model":
        return _("(none: rules only)")
    stored = LearnedModel.objects.filter(version=version).values_list("created_at", flat=True)
    trained = stored.first()
    if trained is None:
        return _("(built in)")
    day = date_format(timezone.localtime(trained), get_format("MONTH_DAY_FORMAT"))
    return _("(trained %(day)s)") % {"day": day}


def classifier_label(version: str) -> str:
    """A classifier version string in words: the chain versions of the rules and the learned layer.

    Anything not in the "<chain>@<n>,…;<model>" form is returned as it is."""
    chains_part, sep, model = version.partition(";")
    versions = _chain_versions(chains_part) if sep else None
    if not versions:
        return version
    counts = Counter(versions.values())
    usual = max(sorted(counts), key=lambda n: counts[n])
    if len(counts) == 1:
        rules = _("Rules (every chain v%(n)s)") % {"n": usual}
    else:  # name the chains that differ from the usual version
        english = (get_language() or "").startswith("en")
        names = dict(Chain.objects.values_list("key", "name_en" if english else "name_zh"))
        others = (", " if english else "、").join(
            f"{names.get(k, k)} v{n}" for k, n in sorted(versions.items()) if n != usual
        )
        rules = _("Rules (chains v%(n)s; %(others)s)") % {"n": usual, "others": others}
    if model == "no-model":
        return rules
    return _("%(rules)s + learned model %(when)s") % {"rules": rules, "when": model_label(model)}
