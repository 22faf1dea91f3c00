"""A cultivation list as Excel."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from corridor.core.xlsx import finish, workbook, write_row
from corridor.engine.qualify import Policy


def _iso(day: Any) -> str:
    return day.isoformat() if day is not None else ""


def cultivation_xlsx(
    policy: Policy, kind_label: str, rows: Iterable[Any], expiry: dict[int, Any], language: str
) -> tempfile.SpooledTemporaryFile:
    """The listed enterprises with verdict, score, the criteria to close and title expiry."""
    out, book, bold = workbook()
    sheet = book.add_worksheet(_("Cultivation list"))
    write_row(sheet, 0, [f"{policy.name.get(language)} {policy.version} · {kind_label}"], bold)
    write_row(sheet, 1, [_("Rule version") + f": {policy.key} ({policy.number})"])
    header = [
        _("Enterprise"),
        _("USCC"),
        _("County"),
        _("Verdict"),
        _("Score"),
        _("Criteria to close"),
        _("Title expires"),
        _("As of"),
    ]
    write_row(sheet, 3, header, bold)
    for i, r in enumerate(rows, start=4):
        field = "message" if language.startswith("en") else "message_zh"
        messages = [c.get(field, "") for c in r.criteria if c["id"] in r.path]
        write_row(
            sheet,
            i,
            [
                r.enterprise.name,
                r.enterprise.uscc or "",
                r.enterprise.county,
                r.get_verdict_display(),
                r.score,
                "；".join(m for m in messages if m),
                _iso(expiry.get(r.enterprise_id)),
                r.as_of.isoformat(),
            ],
        )
    return finish(out, book)
