"""corridor export OUT.xlsx|OUT.csv [filters]: export the filtered enterprise list."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from corridor.registry import exporting, selectors


class Command(BaseCommand):
    help = "Export enterprises (same filters as the list page) to XLSX or CSV."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("out", type=Path)
        for name in (
            "q",
            "county",
            "park",
            "title",
            "size",
            "locality",
            "status",
            "tag",
            "synthetic",
            "sort",
        ):
            parser.add_argument(f"--{name}", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        params = {k: v for k, v in opts.items() if isinstance(v, str) and v}
        qs = selectors.enterprise_list(selectors.EnterpriseFilters.from_query(params))
        out: Path = opts["out"]
        if out.suffix.lower() == ".csv":
            with out.open("w", encoding="utf-8", newline="") as f:
                for chunk in exporting.csv_stream(qs):
                    f.write(chunk)
        else:
            with out.open("wb") as f:
                shutil.copyfileobj(exporting.xlsx_file(qs, f"filters: {params or 'none'}"), f)
        self.stdout.write(f"exported {qs.count()} enterprises to {out}")
