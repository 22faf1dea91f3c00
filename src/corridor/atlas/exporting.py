"""The ranked weak links of a chain as an Excel workbook, explained (inputs, parts, weights)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from corridor.atlas.models import Chain
from corridor.atlas.reasons import no_data_explanation, verdict_label
from corridor.atlas.templatetags.atlas import stage_text
from corridor.core.xlsx import finish, workbook, write_row
from corridor.engine import gaps


def weak_links_xlsx(
    chain: Chain,
    ranked: Sequence[Mapping[str, Any]],
    weights: Mapping[str, float],
    labels: Mapping[str, Any],
    language: str,
    node_names: Mapping[str, str] | None = None,
) -> tempfile.SpooledTemporaryFile:
    """One sheet of ranked nodes (score, inputs, each part's points) and one sheet of method."""
    names = node_names or {}
    out, book, bold = workbook()
    sheet = book.add_worksheet(_("Weak links"))
    measures = list(gaps.DEFAULT_WEIGHTS)
    header = [_("Rank"), _("Node id"), _("Node"), _("Stage"), _("Weak-link score")]
    header += [f"{labels[m]}" for m in measures]
    header += [f"{labels[m]} ({_('points')})" for m in measures]
    header += [
        _("Upstream nodes"),
        _("Upstream nodes with local suppliers"),
        _("Leaders downstream"),
        _("Verdict"),
    ]
    write_row(sheet, 0, header, bold)
    for row, item in enumerate(ranked, start=1):
        node, facts, result = item["node"], item["facts"], item["result"]
        parts = {p.name: p for p in result.parts}
        values: list[Any] = [
            row if result.judged else None,
            node.id,
            node.name(language),
            stage_text(node.stage),
            result.score,
        ]
        if result.judged:
            values += [parts[m].value for m in measures]
            values += [round(parts[m].contribution, 2) for m in measures]
        else:  # no data to judge: only the local count is a fact
            values += [facts.enterprises if m == "enterprises" else None for m in measures]
            values += [None for _m in measures]
        values += [
            "、".join(names.get(n, n) for n in facts.upstream),
            "、".join(names.get(n, n) for n in facts.upstream_covered),
            facts.leaders_downstream,
            f"{verdict_label(result)}: {no_data_explanation()}" if not result.judged else "",
        ]
        write_row(sheet, row, values)
    sheet.freeze_panes(1, 3)
    about = book.add_worksheet(pgettext("calculation", "Method"))
    lines = [
        f"{chain.key} {chain.name_zh} / {chain.name_en} — {_('chain version')} {chain.current_version}",
        f"{_('Rule version')}: {gaps.WEIGHTS_VERSION}",
        _("weak-link score = 100 × Σ wᵢ·(1 − sᵢ) / Σ wᵢ"),
        _("Counts and money: s = log(1 + x) / log(1 + the chain's largest node value)."),
        _(
            "Leader: s = 1 if an anchor, large or medium enterprise is on the node. LQ: s = min(LQ, 2) / 2."
        ),
        _(
            "Supply coverage: s = share of upstream nodes with at least one local enterprise (1 if none)."
        ),
        _("Revenue in 10k yuan, latest year. Exported %(at)s.")
        % {"at": timezone.localtime().isoformat(timespec="seconds")},
    ]
    for i, line in enumerate(lines):
        about.write_string(i, 0, line)
    write_row(about, len(lines) + 1, [_("Measure"), _("Weight")], bold)
    for i, (name, weight) in enumerate(weights.items(), start=len(lines) + 2):
        write_row(about, i, [str(labels[name]), weight])
    return finish(out, book)
