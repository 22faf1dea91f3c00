"""Hostile workbooks are refused before calamine reads them, with a specific code; real ones still open."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from corridor.engine.sheets.guard import Limits, check_zip
from corridor.engine.sheets.tabular import TableError, open_table
from tests.engine import hostile
from tests.engine.corpus import HEADER

ROOT = Path(__file__).resolve().parents[3]
OUTER_LIMIT = 3 << 30  # the reproduction's own ceiling: a regression fails the test, not the run

_OPEN_IN_A_SUBPROCESS = """
import json, sys
from corridor.engine.sheets.tabular import TableError, open_table
try:
    table = open_table(sys.argv[1])
    result = {"rows": sum(1 for _ in table.rows())}
except TableError as exc:
    result = {"code": exc.code, "message": exc.message}
# VmHWM, not ru_maxrss: Linux carries the forking parent's peak (pytest's) over exec into ru_maxrss.
with open("/proc/self/status") as status:
    peak = next(line for line in status if line.startswith("VmHWM"))
result["peak_mb"] = int(peak.split()[1]) // 1024
print(json.dumps(result))
"""


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (OUTER_LIMIT, OUTER_LIMIT))


def open_in_subprocess(path: Path) -> dict[str, object]:
    """open_table in a separate interpreter under an address-space ceiling; what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_IN_A_SUBPROCESS, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        preexec_fn=_limit_address_space,
        check=False,
    )
    # Before the guard: exit -6, "memory allocation of 549755813888 bytes failed" (a web server
    # dies with every session in it).
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (hostile.far_cell_xlsx, "sheet_too_large"),  # calamine asked for 512 GiB and aborted
        (hostile.huge_string_count_xlsx, "too_many_strings"),  # 96 GB reserved, aborted
        (hostile.huge_shared_string_xlsx, "compression_ratio"),  # 300 KB file, 1.2 GB to read
        (hostile.far_cell_ods, "sheet_too_large"),
    ],
)
def test_the_files_that_crashed_the_server_are_refused_cheaply(
    tmp_path: Path, build: Callable[[Path], Path], code: str
) -> None:
    path = build(tmp_path / f"hostile{'.ods' if 'ods' in build.__name__ else '.xlsx'}")
    assert path.stat().st_size < 400_000
    result = open_in_subprocess(path)
    assert result.get("code") == code, result
    assert int(result["peak_mb"]) < 200  # the interpreter and its imports: nothing was read


@pytest.mark.parametrize(
    ("build", "code", "fragment"),
    [
        (hostile.huge_dimension_xlsx, "sheet_too_large", "declares the range A1:XFD1048576"),
        (hostile.styled_grid_xlsx, "sheet_too_large", "A1:AN400000"),
        (hostile.zip_bomb_xlsx, "compression_ratio", "zip bomb"),
        (hostile.declared_huge_part_xlsx, "part_too_large", "4,026,531,840 bytes"),
        (hostile.lying_size_xlsx, "corrupt_workbook", "holds more than the 100 bytes"),
        (hostile.long_string_xlsx, "string_too_long", "longer than 1,048,576 bytes"),
        (hostile.many_parts_xlsx, "too_many_parts", "10,011 parts"),
        (hostile.xxe_xlsx, "unsafe_xml", "XML entities"),
        (hostile.billion_laughs_xlsx, "unsafe_xml", "billion laughs"),
    ],
)
def test_hostile_workbooks_are_refused_with_a_specific_code(
    tmp_path: Path, build: Callable[[Path], Path], code: str, fragment: str
) -> None:
    with pytest.raises(TableError) as info:
        open_table(build(tmp_path / "upload.xlsx"))
    assert info.value.code == code, info.value.message
    assert fragment in info.value.message and "upload.xlsx" in info.value.message


@pytest.mark.parametrize(
    "build",
    [hostile.many_sheets_xlsx, hostile.empty_rows_xlsx, hostile.base_xlsx],
)
def test_real_workbooks_still_open(tmp_path: Path, build: Callable[[Path], Path]) -> None:
    table = open_table(build(tmp_path / "real.xlsx"))
    rows = [cells for _, cells in table.rows() if any(c not in ("", None) for c in cells)]
    assert rows[0] == HEADER


def test_an_opendocument_sheet_ending_with_the_empty_grid_opens(tmp_path: Path) -> None:
    table = open_table(hostile.ods_file(tmp_path / "real.ods", rows=3, columns=2))
    rows = list(table.rows())
    assert rows[0][1] == HEADER and rows[1][1][:3] == ["x", "x", ""] and len(rows) == 4


def test_a_workbook_named_csv_is_read_by_its_content(tmp_path: Path) -> None:
    table = open_table(hostile.wrong_extension_csv(tmp_path / "real.csv"))
    assert table.format == "xlsx" and next(table.rows())[1] == HEADER


def test_the_footprint_counts_cells_and_bytes_really_unpacked(tmp_path: Path) -> None:
    path = hostile.base_xlsx(tmp_path / "real.xlsx")
    footprint = check_zip(str(path), "real.xlsx", Limits(), TableError)
    assert footprint.scanned and footprint.cells == 2 * len(HEADER) and footprint.strings >= 4
    assert footprint.unpacked_bytes > path.stat().st_size


def test_limits_can_be_lowered(tmp_path: Path) -> None:
    path = hostile.base_xlsx(tmp_path / "real.xlsx")
    with pytest.raises(TableError) as info:
        open_table(path, limits=Limits(max_cells=5))
    assert info.value.code == "sheet_too_large" and info.value.params["range"] == "A1:F2"
