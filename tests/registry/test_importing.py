"""Imports end to end through the service: upsert, reports, modes, revert, history, interruption."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from corridor.errors import ImportRejected
from corridor.imports import services as importing
from corridor.imports.models import ImportBatch, ImportChange
from corridor.registry import selectors
from corridor.registry.models import Enterprise, EnterpriseYearFacts
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv, write_xlsx

U1, U2, U3 = valid_uscc(101), valid_uscc(102), valid_uscc(103)
ROWS = [
    ["金华甲科技有限公司", U1, "浙江省金华市婺城区宾虹西路1号", 2024, "1,200.5", 35, "60"],
    ["宁德乙电池有限公司", U2, "福建省宁德市蕉城区漳湾镇2号", 2024, "3亿", 400, 900],
]


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return user_with_role("administrator", "root")


def _run(path: Path, actor, mode: str = "valid_rows", **options) -> ImportBatch:  # type: ignore[no-untyped-def]
    return importing.run_import_file(path, actor, mode=mode, options=options or None)


def test_csv_import_creates_records_with_units_regions_and_locality(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    batch = _run(write_csv(tmp_path / "a.csv", ROWS, encoding="gbk"), admin)
    assert (batch.status, batch.created_count, batch.rows_error) == ("applied", 2, 0)
    local = Enterprise.objects.get(uscc=U1)
    assert (local.county_code, local.city_code, local.province_code, local.is_local) == (
        "330702",
        "330700",
        "330000",
        True,
    )
    far = Enterprise.objects.get(uscc=U2)
    assert far.county_code == "350902" and far.is_local is False
    facts = far.year_facts.get(year=2024)
    assert facts.revenue == Decimal("30000") and facts.employees == 400  # 3亿 = 30,000 万元
    assert local.latest_revenue == Decimal("1200.5") and local.size_band == "small"
    assert batch.file_sha256 and batch.uploaded_by == admin


def test_reimport_updates_keeps_before_after_and_blank_cells_do_not_wipe(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _run(write_csv(tmp_path / "a.csv", ROWS), admin)
    changed = [["金华甲科技有限公司", U1, "", 2024, "1500", "", ""]]
    batch = _run(write_csv(tmp_path / "b.csv", changed), admin)
    assert batch.updated_count == 0 and batch.facts_written == 1
    ent = Enterprise.objects.get(uscc=U1)
    facts = ent.year_facts.get(year=2024)
    assert facts.revenue == Decimal("1500") and facts.employees == 35  # blank employees kept
    assert ent.address.startswith("浙江省")  # blank address kept
    change = ImportChange.objects.get(batch=batch, record_type="facts")
    assert (
        Decimal(change.before["revenue"]) == Decimal("1200.5") and change.after["revenue"] == "1500"
    )
    history = selectors.enterprise_history(ent)
    label = str(EnterpriseYearFacts._meta.get_field("revenue").verbose_name)
    assert any(
        h["action"] == "import" and (label, "1,200.5", "1,500") in h["changes"] for h in history
    )


def test_revert_restores_the_database(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _run(write_csv(tmp_path / "a.csv", ROWS), admin)
    second = _run(
        write_csv(
            tmp_path / "b.csv",
            [
                ["金华甲科技有限公司改名", U1, "", 2024, "1500", "", ""],
                ["新来丙有限公司", U3, "江苏省常州市武进区3号", 2023, "10", 5, ""],
            ],
        ),
        admin,
    )
    importing.revert_batch(second, admin)
    ent = Enterprise.objects.get(uscc=U1)
    assert ent.name == "金华甲科技有限公司" and ent.year_facts.get(year=2024).revenue == Decimal(
        "1200.5"
    )
    assert not Enterprise.objects.filter(uscc=U3).exists()
    assert not EnterpriseYearFacts.objects.filter(enterprise__uscc=U3).exists()
    second.refresh_from_db()
    assert second.status == "reverted"


def test_all_or_nothing_changes_nothing_and_keeps_the_report(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [*ROWS, ["坏行有限公司", "91330100799655058", "", 2024, "abc", 3, ""]]
    with pytest.raises(ImportRejected):
        _run(write_csv(tmp_path / "bad.csv", rows), admin, mode="all_or_nothing")
    assert Enterprise.all_objects.count() == 0 and EnterpriseYearFacts.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and batch.rows_error == 1
    issues = {(i.row, i.code) for i in batch.issues.all()}
    assert (4, "uscc_length") in issues and (4, "money_invalid") in issues


def test_valid_rows_mode_applies_the_rest_and_reports_row_column_value(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [*ROWS, ["坏行有限公司", U3, "", 2024, "12..5", 3, ""]]
    batch = _run(write_csv(tmp_path / "bad.csv", rows), admin)
    assert (batch.created_count, batch.rows_error) == (2, 1)
    issue = batch.issues.get(severity="error")
    assert (issue.row, issue.value, issue.code) == (4, "12..5", "money_invalid")
    assert "营业收入" in issue.column


def test_unknown_park_is_an_error_naming_the_park(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        tmp_path / "p.csv",
        [["甲有限公司", U1, "不存在园区"]],
        header=["企业名称", "统一社会信用代码", "所在园区"],
    )
    batch = _run(path, admin)
    issue = batch.issues.get()
    assert (issue.code, issue.value, issue.row) == ("park_unknown", "不存在园区", 2)


def test_checksum_failures_need_confirmation(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = U1[:-1] + ("0" if U1[-1] != "0" else "1")
    path = write_csv(
        tmp_path / "c.csv", [["甲有限公司", bad]], header=["企业名称", "统一社会信用代码"]
    )
    held = _run(path, admin)  # a warning to confirm, counted and shown, not written
    assert (held.rows_error, held.rows_warning, held.created_count) == (0, 1, 0)
    assert [(i.code, i.severity) for i in held.issues.all()] == [("uscc_checksum", "warning")]
    assert not Enterprise.all_objects.filter(uscc=bad).exists()
    confirmed = _run(path, admin, accept_warnings=True)
    assert confirmed.created_count == 1 and Enterprise.objects.get(uscc=bad).uscc_checksum_confirmed


def test_xlsx_with_title_row(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "t.xlsx", ROWS, title="2024年婺城区企业名单")
    batch = _run(path, admin)
    assert batch.created_count == 2 and batch.header_rows == [2]


def test_rejected_files_leave_no_batch(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name, content in [
        ("empty.csv", b""),
        ("junk.xlsx", os.urandom(4096)),
        ("nul.csv", b"\x00" * 5000),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ImportRejected):
            importing.receive_path(path, admin)
    assert ImportBatch.objects.count() == 0


def test_an_interrupted_import_leaves_the_database_as_it_was(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Kill a real `corridor import` process mid-way: the SQLite file must hold exactly what it held before."""
    env = {**os.environ, "CORRIDOR_VAR_DIR": str(tmp_path), "CORRIDOR_TEST_DATABASE_URL": ""}
    env.pop("CORRIDOR_TEST_DATABASE_URL")
    env.pop("CORRIDOR_DATABASE_URL", None)
    cli = [sys.executable, "-m", "corridor"]
    subprocess.run([*cli, "migrate", "--verbosity", "0"], env=env, check=True)
    subprocess.run(
        [*cli, "import", str(write_csv(tmp_path / "a.csv", ROWS))],
        env=env,
        check=True,
        capture_output=True,
    )
    big = [
        [f"批量{i}有限公司", valid_uscc(10_000 + i), "浙江省金华市婺城区某路", 2024, i, 1, ""]
        for i in range(150_000)
    ]
    proc = subprocess.Popen(
        [*cli, "import", str(write_csv(tmp_path / "big.csv", big))],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    progress = tmp_path / "progress"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(progress.glob("import-*.json")):
        time.sleep(0.05)
    assert proc.poll() is None, "import finished before it could be interrupted"
    time.sleep(0.5)
    parser = _children(proc.pid)  # the file is large enough to be read in a child process
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(tmp_path / "corridor.sqlite3") as db:
        names = sorted(r[0] for r in db.execute("SELECT name FROM registry_enterprise"))
        facts = db.execute("SELECT COUNT(*) FROM registry_enterpriseyearfacts").fetchone()[0]
    assert names == sorted(r[0] for r in ROWS) and facts == 2
    assert parser, "the import did not read the file in a child process"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in parser):
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in parser), (
        "the parser outlived the import"
    )


def _children(pid: int) -> list[int]:
    """Process ids of a process's children (Linux)."""
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in tasks.iterdir() for c in (t / "children").read_text().split()]


@pytest.fixture
def child_parser(settings):  # type: ignore[no-untyped-def]
    """Read every file in a child process, as large files are, however small the test file."""
    settings.CORRIDOR_IMPORT_CHILD_PROCESS_BYTES = 0


def test_child_process_import_lands_row_for_row(admin, child_parser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """More rows than one multi-row INSERT takes: every id, fact and derived column lines up."""
    rows = [
        [f"子进程{i}有限公司", valid_uscc(5000 + i), "浙江省金华市婺城区", 2024, i + 1, i % 7, ""]
        for i in range(1_234)
    ]
    batch = _run(write_csv(tmp_path / "good.csv", rows), admin)
    assert (batch.status, batch.created_count, batch.facts_written) == ("applied", 1_234, 1_234)
    for i in (0, 499, 500, 1_233):
        ent = Enterprise.objects.get(uscc=valid_uscc(5000 + i))
        facts = ent.year_facts.get()
        assert ent.name == f"子进程{i}有限公司" and facts.revenue == Decimal(i + 1)
        assert (ent.latest_revenue, ent.latest_employees, ent.county_code) == (
            Decimal(i + 1),
            i % 7,
            "330702",
        )
    importing.revert_batch(batch, admin)
    assert not Enterprise.objects.exists() and not EnterpriseYearFacts.objects.exists()


def test_child_process_all_or_nothing(admin, child_parser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _run(write_csv(tmp_path / "a.csv", ROWS), admin)
    bad = [[f"回滚{i}有限公司", valid_uscc(30_000 + i), "", 2024, 5, 1, ""] for i in range(11_000)]
    bad.append(["坏行有限公司", "123", "", 2024, 1, 1, ""])
    with pytest.raises(ImportRejected):
        _run(write_csv(tmp_path / "bad.csv", bad), admin, mode="all_or_nothing")
    assert Enterprise.objects.count() == 2 and EnterpriseYearFacts.objects.count() == 2
    failed = ImportBatch.objects.latest("pk")
    assert failed.status == "failed" and failed.issues.get().row == 11_002


def test_unreadable_part_way_fails_clearly(admin, child_parser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The child process finds a GBK row deep in a UTF-8 file: the import fails naming the row."""
    _run(write_csv(tmp_path / "a.csv", ROWS), admin)
    rows = [[f"编码{i}有限公司", valid_uscc(40_000 + i), "", 2024, 1, 1, ""] for i in range(30_000)]
    path = write_csv(tmp_path / "mixed.csv", rows, encoding="utf-8")
    with path.open("ab") as handle:
        handle.write("乙公司,,,2024,1,1,\r\n".encode("gbk"))
    with pytest.raises(ImportRejected) as info:
        _run(path, admin)
    assert info.value.details["code"] == "decode_error" and "30002" in info.value.message
    assert Enterprise.objects.count() == 2 and EnterpriseYearFacts.objects.count() == 2
    failed = ImportBatch.objects.latest("pk")
    assert failed.status == "failed" and "30002" in failed.message


def test_the_same_enterprise_on_several_rows(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Rows of one new enterprise for two years: both facts rows, later details and latest year win."""
    rows = [
        ["多年甲有限公司", U1, "浙江省金华市婺城区1号", 2023, "900", 40, ""],
        ["多年甲科技有限公司", U1, "", 2024, "1,000", 50, ""],
        ["另一家有限公司", U2, "", 2024, "5", 1, ""],
    ]
    batch = _run(write_csv(tmp_path / "years.csv", rows), admin)
    assert (batch.created_count, batch.facts_written, batch.rows_error) == (2, 3, 0)
    ent = Enterprise.objects.get(uscc=U1)
    assert ent.name == "多年甲科技有限公司" and ent.address == "浙江省金华市婺城区1号"
    assert (ent.latest_year, ent.latest_revenue, ent.latest_employees) == (2024, Decimal(1000), 50)
    assert sorted(ent.year_facts.values_list("year", flat=True)) == [2023, 2024]
    importing.revert_batch(batch, admin)
    assert not Enterprise.objects.exists() and not EnterpriseYearFacts.objects.exists()


@pytest.mark.parametrize("in_child", [False, True])
def test_a_file_without_a_key_column_is_rejected(admin, settings, tmp_path, in_child) -> None:  # type: ignore[no-untyped-def]
    """Found by the reader (in the child process for a large file), reported here with its code."""
    if in_child:
        settings.CORRIDOR_IMPORT_CHILD_PROCESS_BYTES = 0
    path = write_csv(tmp_path / "k.csv", [["浙江省金华市", "12"]], header=["注册地址", "营业收入"])
    with pytest.raises(ImportRejected) as info:
        _run(path, admin)
    assert info.value.details["code"] == "no_key_column"
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and not Enterprise.objects.exists()


def test_a_header_without_rows_applies_nothing(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    batch = _run(write_xlsx(tmp_path / "e.xlsx", [], title="2024年婺城区企业名单"), admin)
    assert (batch.status, batch.rows_total, batch.header_rows) == ("applied", 0, [2])
