"""Export exactly a filtered enterprise list to XLSX or CSV, with formula injection neutralised."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import Any

import xlsxwriter
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.core import xlsx
from corridor.engine.sheets.formulas import neutralise
from corridor.registry.models import Enterprise, EnterpriseTag, TitleHeld


def export_columns() -> list[tuple[str, str]]:
    """(key, header) pairs in export order; headers in the active language."""
    return [
        ("name", _("Name")),
        ("uscc", _("Unified social credit code")),
        ("legal_form", _("Legal form")),
        ("established_on", _("Established")),
        ("registered_capital", _("Registered capital (10k yuan)")),
        ("address", _("Registered address")),
        ("province", _("Province")),
        ("city", _("City")),
        ("county", _("County")),
        ("county_code", _("County code")),
        ("industry_code", _("Industry code")),
        ("is_local", _("Local")),
        ("park", _("Park / zone")),
        ("status", _("Status")),
        ("latest_year", _("Latest year")),
        ("latest_revenue", _("Latest revenue (10k yuan)")),
        ("latest_employees", _("Latest employees")),
        ("size_band", _("Size band")),
        ("titles", _("Titles in force")),
        ("tags", _("Tags")),
        ("is_synthetic", _("Synthetic demo record")),
    ]


def _row(ent: Enterprise, today) -> list[Any]:  # type: ignore[no-untyped-def]
    titles = "、".join(str(t.get_title_display()) for t in ent.titles.all() if t.is_valid_on(today))
    values = {
        "name": ent.name,
        "uscc": ent.uscc or "",
        "legal_form": ent.legal_form,
        "established_on": ent.established_on.isoformat() if ent.established_on else "",
        "registered_capital": ent.registered_capital,
        "address": ent.address,
        "province": ent.province,
        "city": ent.city,
        "county": ent.county,
        "county_code": ent.county_code,
        "industry_code": ent.industry_code,
        "is_local": _("yes") if ent.is_local else _("no"),
        "park": ent.park.name if ent.park else "",
        "status": ent.get_status_display(),
        "latest_year": ent.latest_year,
        "latest_revenue": ent.latest_revenue,
        "latest_employees": ent.latest_employees,
        "size_band": ent.get_size_band_display(),
        "titles": titles,
        "tags": ", ".join(t.tag for t in ent.tags.all()),
        "is_synthetic": _("yes") if ent.is_synthetic else _("no"),
    }
    return [_cell(values[key]) for key, _h in export_columns()]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "as_tuple"):  # Decimal → float for spreadsheets, exact to 4 places
        return float(value)
    return neutralise(str(value)) if not isinstance(value, (int, float)) else value


def _rows(qs: QuerySet[Enterprise]) -> Iterator[list[Any]]:
    today = timezone.localdate()
    qs = qs.prefetch_related(
        Prefetch("titles", queryset=TitleHeld.objects.all()),
        Prefetch("tags", queryset=EnterpriseTag.objects.all()),
    )
    for ent in qs.iterator(chunk_size=2000):
        yield _row(ent, today)


def csv_stream(qs: QuerySet[Enterprise]) -> Iterator[str]:
    """CSV lines (UTF-8 with BOM so Excel opens Chinese text correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([h for _k, h in export_columns()])
    for row in _rows(qs):
        writer.writerow(row)
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(qs: QuerySet[Enterprise], note: str) -> tempfile.SpooledTemporaryFile:
    """An XLSX workbook of the list (constant memory), with a sheet saying what was exported."""
    out = tempfile.SpooledTemporaryFile(max_size=32 << 20)
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet(_("Enterprises"))
    bold = book.add_format({"bold": True})
    for col, (_k, header) in enumerate(export_columns()):
        sheet.write_string(0, col, header, bold)
    for r, row in enumerate(_rows(qs), start=1):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    about = book.add_worksheet(_("About"))
    about.write_string(0, 0, note)
    about.write_string(
        1,
        0,
        _("Money in 10k yuan. Exported %(at)s.")
        % {"at": timezone.localtime().isoformat(timespec="seconds")},
    )
    book.close()
    out.seek(0)
    return out


def template_file() -> tempfile.SpooledTemporaryFile:
    """A blank import workbook generated from data/columns.yaml: headers, instructions, allowed values."""
    from corridor.registry.columns import ENTERPRISE_FIELDS

    notes = [
        _("One row per enterprise and year. A row needs the enterprise name or its USCC."),
        _(
            "Without a year column, the year comes from the figure headers (2024年营业收入), "
            "else from the title above the table (重点企业名录（2024年度）)."
        ),
        _("Money is read in 万元; write 元 or 亿元 in a header or a cell for another unit."),
    ]
    out, book, _bold = xlsx.import_template(ENTERPRISE_FIELDS, "enterprises", notes)
    return xlsx.finish(out, book)
