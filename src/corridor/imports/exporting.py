"""The validation report of an import as CSV, formulas neutralised (it is opened in Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from corridor.core.issue_text import issue_text
from corridor.engine.sheets.formulas import neutralise
from corridor.imports.models import ImportIssue


def issues_csv(issues: QuerySet[ImportIssue]) -> Iterator[str]:
    """The validation report as CSV lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Reason"), _("Severity")])
    for issue in issues.iterator(chunk_size=2000):
        reason = issue_text(issue.code, issue.params, issue.reason)
        writer.writerow(
            [
                issue.row,
                neutralise(issue.column),
                neutralise(issue.value),
                neutralise(reason),
                issue.severity,
            ]
        )
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
