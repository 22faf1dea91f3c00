"""Exports of investment attraction: the project list and the funnel, as Excel."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from corridor.core.xlsx import finish, workbook, write_row
from corridor.investment.models import Project


def projects_xlsx(projects: Iterable[Project], language: str) -> tempfile.SpooledTemporaryFile:
    """The listed projects with every field that matters for follow-up."""
    out, book, bold = workbook()
    sheet = book.add_worksheet(_("Projects"))
    header = [
        _("Project"),
        _("Target enterprise"),
        _("USCC"),
        _("Chain"),
        _("Node"),
        _("Pipeline stage"),
        _("Investment (10k yuan)"),
        _("Expected output (10k yuan)"),
        _("Expected tax (10k yuan)"),
        _("Expected jobs"),
        _("Owner"),
        _("Next step"),
        _("Next follow-up"),
        _("First visit"),
        _("Signed"),
        _("Registered"),
        _("Construction started"),
        _("Production started"),
        _("Landed USCC"),
        _("Lost reason"),
    ]
    write_row(sheet, 0, header, bold)
    for r, p in enumerate(projects, start=1):
        write_row(
            sheet,
            r,
            [
                p.name,
                p.target.name,
                p.target.uscc or "",
                p.chain,
                p.node,
                p.stage.name(language),
                p.investment_amount,
                p.expected_output,
                p.expected_tax,
                p.expected_jobs,
                p.owner.get_username(),
                p.next_step,
                p.next_follow_up and p.next_follow_up.isoformat(),
                p.first_visit_on and p.first_visit_on.isoformat(),
                p.signed_on and p.signed_on.isoformat(),
                p.registered_on and p.registered_on.isoformat(),
                p.construction_on and p.construction_on.isoformat(),
                p.production_on and p.production_on.isoformat(),
                p.landed_uscc,
                p.lost_reason.name_zh if p.lost_reason else "",
            ],
        )
    about = book.add_worksheet(_("About"))
    about.write_string(
        0,
        0,
        _("Money in 10k yuan. Exported %(at)s.")
        % {"at": timezone.localtime().isoformat(timespec="seconds")},
    )
    return finish(out, book)


def funnel_xlsx(data: dict[str, Any], language: str) -> tempfile.SpooledTemporaryFile:
    """The funnel: projects reaching each stage, conversion and average days, per group."""
    out, book, bold = workbook()
    sheet = book.add_worksheet(_("Funnel"))
    write_row(
        sheet,
        0,
        [
            _("Group"),
            _("Pipeline stage"),
            _("Projects reaching it"),
            _("Conversion from previous"),
            _("Average days in stage"),
        ],
        bold,
    )
    row = 1
    for group in data["groups"]:
        for r in group["rows"]:
            days = r["days"]
            write_row(
                sheet,
                row,
                [
                    group.get("label") or group["key"] or _("all"),
                    r["stage"].name(language),
                    r["count"],
                    None if r["rate"] is None else round(r["rate"], 4),
                    None if days is None else round(days, 1),
                ],
            )
            row += 1
    return finish(out, book)


def sheet_title(name: str, used: set[str]) -> str:
    """A worksheet name Excel accepts (at most 31 characters, none of []:*?/\\), unique in the book."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()[:31] or "-"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def targets_xlsx(
    by_node: dict[str, dict[str, Any]],
    strategy: Any,
    language: str,
    names: dict[str, str] | None = None,
) -> tempfile.SpooledTemporaryFile:
    """One sheet per node, named by the node: rank, enterprise, score, every part's score and
    points, the reasons."""
    from corridor.engine.targeting import FORMULA_VERSION, PARTS
    from corridor.investment.explain import part_name

    out, book, bold = workbook()
    used: set[str] = set()
    for node_id, data in by_node.items():
        sheet = book.add_worksheet(sheet_title((names or {}).get(node_id, node_id), used))
        header = [_("Rank"), _("Enterprise"), _("USCC"), _("City"), _("Score")]
        header += [f"{part_name(p)}" for p in PARTS] + [
            f"{part_name(p)} · {_('points')}" for p in PARTS
        ]
        header += [_("Why")]
        write_row(sheet, 0, header, bold)
        for r, row in enumerate(data["rows"], start=1):
            info = row["enterprise"]
            values: list[Any] = [
                row["rank"],
                info["name"],
                info["uscc"] or "",
                info["city"],
                round(row["score"], 2),
            ]
            values += [round(row["parts"][p], 4) for p in PARTS]
            values += [round(row["contributions"][p], 2) for p in PARTS]
            values += ["；".join(f"{x['name']}：{x['text']}" for x in row["reasons"])]
            write_row(sheet, r, values)
        sheet.freeze_panes(1, 2)
    about = book.add_worksheet(pgettext("calculation", "Method"))
    lines = [
        _("Strategy: %(s)s") % {"s": strategy.name},
        _("Formula version: %(v)s") % {"v": FORMULA_VERSION},
        _(
            "score = Σ 100 · w · part / Σ w; each part in [0, 1] (see the targets page for the formulas)"
        ),
    ] + [f"{part_name(p)}: w = {strategy.weights[p]:g}" for p in PARTS]
    for i, line in enumerate(lines):
        about.write_string(i, 0, line)
    return finish(out, book)
