"""The whole malformed corpus through both importers, in a subprocess whose memory is measured.

Each file is refused with its specific code or imported; the import process (and the reading
children it starts) stays under 1 GB on every file. Before the guard the far-cell file aborted the
process asking for 512 GiB, and the huge shared string took it to 1.2 GB (6.4 GB for the 1.5 MB
file of the report).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.engine import corpus, hostile

ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 1024
OUTER_LIMIT = 6 << 30  # the subprocess's own ceiling: a regression fails this test, not the run
GUARD_CODES = {
    "sheet_too_large",
    "too_many_strings",
    "compression_ratio",
    "part_too_large",
    "too_many_parts",
    "string_too_long",
    "unsafe_xml",
    "memory_limit",
}


def _grid_corners(path: Path) -> Path:
    """A valid sheet whose cells span A1..J300000: 3 million cells, read in the child."""

    def build(book):  # type: ignore[no-untyped-def]
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, corpus.HEADER)
        sheet.write_row(1, 0, hostile.ROW)
        sheet.write(299_999, 9, "x")

    return corpus.write_xlsx(path, build)


# file name -> (builder, the registry outcome: a refusal code, or None for an applied import)
CORPUS: dict[str, tuple[Callable[[Path], object], str | None]] = {
    "far_cell.xlsx": (hostile.far_cell_xlsx, "sheet_too_large"),
    "huge_dimension.xlsx": (hostile.huge_dimension_xlsx, "sheet_too_large"),
    "styled_grid.xlsx": (hostile.styled_grid_xlsx, "sheet_too_large"),
    "string_count.xlsx": (hostile.huge_string_count_xlsx, "too_many_strings"),
    "huge_string.xlsx": (hostile.huge_shared_string_xlsx, "compression_ratio"),
    "long_string.xlsx": (hostile.long_string_xlsx, "string_too_long"),
    "zip_bomb.xlsx": (hostile.zip_bomb_xlsx, "compression_ratio"),
    "declared_huge_part.xlsx": (hostile.declared_huge_part_xlsx, "part_too_large"),
    "lying_size.xlsx": (hostile.lying_size_xlsx, "corrupt_workbook"),
    "many_parts.xlsx": (hostile.many_parts_xlsx, "too_many_parts"),
    "xxe.xlsx": (hostile.xxe_xlsx, "unsafe_xml"),
    "billion_laughs.xlsx": (hostile.billion_laughs_xlsx, "unsafe_xml"),
    "far_cell.ods": (hostile.far_cell_ods, "sheet_too_large"),
    "truncated.xlsx": (corpus.truncated_xlsx, "corrupt_workbook"),
    "junk.xlsx": (corpus.random_bytes, "not_a_table"),
    "image.xls": (corpus.png_file, "not_a_table"),
    "sparse.csv": (corpus.sparse_file, "not_a_table"),
    "many_sheets.xlsx": (hostile.many_sheets_xlsx, None),
    "empty_rows.xlsx": (hostile.empty_rows_xlsx, None),
    "workbook_named.csv": (hostile.wrong_extension_csv, None),
    "grid_corners.xlsx": (_grid_corners, None),
    "titled_merged.xlsx": (corpus.titled_merged_xlsx, None),
    "real.ods": (lambda p: hostile.ods_file(p, rows=2, columns=1, value="甲公司"), None),
    "gbk.csv": (lambda p: corpus.write_csv(p, [corpus.HEADER, hostile.ROW], encoding="gbk"), None),
}


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (OUTER_LIMIT, OUTER_LIMIT))


def test_every_corpus_file_is_refused_or_imported_within_a_gigabyte(tmp_path: Path) -> None:
    files = tmp_path / "corpus"
    files.mkdir()
    for name, (build, _code) in CORPUS.items():
        build(files / name)
    out, var = tmp_path / "results.json", tmp_path / "var"
    var.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "CORRIDOR_VAR_DIR": str(var)}
    for name in ("CORRIDOR_DATABASE_URL", "CORRIDOR_TEST_DATABASE_URL"):
        env.pop(
            name, None
        )  # a SQLite database of its own under var/, whichever database CI runs on
    done = subprocess.run(
        [sys.executable, "-m", "tests.registry.hostile_run", str(files), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_limit_address_space,
        check=False,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    results = json.loads(out.read_text(encoding="utf-8"))
    peak = results.pop("_peak_mb")
    assert peak["self"] < PEAK_LIMIT_MB and peak["children"] < PEAK_LIMIT_MB, peak
    for name, (_build, code) in CORPUS.items():
        registry, investment = results[name]["registry"], results[name]["investment"]
        if code is None:
            assert registry.get("status") == "applied", (name, registry)
            assert investment.get("code") not in GUARD_CODES, (name, investment)
        else:
            assert registry.get("code") == code, (name, registry)
            assert investment.get("code") == code, (name, investment)
            assert name.split(".")[0].replace("_", " ") or registry["message"]
