"""Importing investment projects: Chinese headers and units, stage rules as on the board, modes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from corridor.accounts.models import AuditEvent
from corridor.errors import ImportRejected, PermissionDenied
from corridor.investment import importing, services
from corridor.investment.models import Activity, Project, StageChange
from tests.factories import EnterpriseFactory, user_with_role, valid_uscc

pytestmark = pytest.mark.django_db

HEADERS = ["统一社会信用代码", "项目名称", "产业链环节", "项目阶段", "首次接洽日期"]


@pytest.fixture
def analyst():  # type: ignore[no-untyped-def]
    return user_with_role("investment_analyst", "ana")


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):  # messages asserted in English; Chinese comes from the .po
        yield


def xlsx(path: Path, rows: list[list[Any]], title: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def gbk_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def counts() -> tuple[int, int, int, int]:
    return (
        Project.all_objects.count(),
        StageChange.objects.count(),
        AuditEvent.objects.count(),
        Activity.objects.count(),
    )


def errors_by_row(report: importing.ImportReport) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for issue in report.errors:
        out.setdefault(issue.row, []).append(f"{issue.code}: {issue.message}")
    return out


def test_happy_path_chinese_headers_units_and_dates(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    a, b = EnterpriseFactory(is_local=False), EnterpriseFactory(is_local=False)
    helper = user_with_role("investment_analyst", "bo")
    rows = [
        [
            *HEADERS,
            "投资额（亿元）",
            "预计年产值",
            "预计就业",
            "用地(亩)",
            "责任人",
            "项目来源",
            "厂房需求",
        ],
        [a.uscc, "动力电池基地", "nev.battery", "接洽", "2025年3月", 1.2, "3,500", "120人", "50亩"],
        [
            b.uscc.lower(),
            "",
            "动力电池",
            "",
            "",
            "8000万元",
            "",
            "",
            "",
            "bo",
            "展会推介",
            "12,000㎡",
        ],
    ]
    path = xlsx(tmp_path / "projects.xlsx", rows, title="2025年重点招商项目清单")
    report = importing.import_projects(path, analyst)
    assert (report.rows, report.created, report.moved, report.failed) == (2, 2, 1, 0), report.issues
    assert report.applied and report.columns["investment_amount"] == "投资额（亿元）"
    first = Project.objects.get(target=a)
    assert first.stage.key == "contact" and first.name == "动力电池基地"
    assert (first.node, first.chain) == ("nev.battery", "nev")
    assert first.first_visit_on == dt.date(2025, 3, 1)
    assert first.investment_amount == Decimal("12000.00")  # 1.2 亿元 = 12,000 万元
    assert first.expected_output == Decimal("3500.00") and first.expected_jobs == 120
    assert first.land_mu == Decimal("50.00") and first.owner == analyst
    second = Project.objects.get(target=b)
    assert second.stage.key == "lead" and second.investment_amount == Decimal(
        "8000.00"
    )  # the cell's unit wins
    assert second.owner == helper and second.source_channel == "expo"
    assert second.node == "nev.battery" and second.floor_space_m2 == 12000  # by its Chinese name
    moves = list(first.stage_changes.values_list("to_stage__key", "by__username"))
    assert moves == [("lead", "ana"), ("contact", "ana")]
    assert AuditEvent.objects.filter(action="import", target_id=str(first.pk)).exists()


def test_stage_walk_checks_each_stage_entry_requirements(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firms = [EnterpriseFactory(is_local=False) for _ in range(7)]
    rows = [
        ["统一社会信用代码", "项目阶段", "首次接洽日期", "投资额", "签约日期", "流失原因", "备注"],
        [firms[0].uscc, "接洽", "2025-03-05", "", "", "", ""],
        [firms[1].uscc, "contact", "", "", "", "", ""],  # no first-visit date
        [firms[2].uscc, "签约", "2025-03-05", "5000", "2025-06-01", "", ""],  # no agreement
        [firms[3].uscc, "流失", "", "", "", "", ""],  # no lost reason
        [firms[4].uscc, "Lost", "", "", "", "选择落户其他地区", "去了外省"],
        [firms[5].uscc, "暂缓", "", "", "", "", ""],  # no reason
        [firms[6].uscc, "on_hold", "", "", "", "", "等待土地规划"],
    ]
    report = importing.import_projects(gbk_csv(tmp_path / "projects.csv", rows), analyst)
    assert (report.created, report.failed) == (3, 4), report.issues
    errors = errors_by_row(report)
    assert set(errors) == {3, 4, 5, 7}
    assert "first visit must be filled in" in errors[3][0]
    assert errors[4][0].startswith("stage_requirements") and "signed agreement" in errors[4][0]
    assert "Signed" in errors[4][0]  # the stage is named
    assert "lost reason" in errors[5][0] and "reason is required" in errors[7][0]
    assert {i.column for i in report.errors} == {"项目阶段"}
    stages = dict(Project.objects.values_list("target_id", "stage__key"))
    assert stages == {firms[0].pk: "contact", firms[4].pk: "lost", firms[6].pk: "on_hold"}
    lost = Project.objects.get(target=firms[4])
    assert not lost.is_open and lost.lost_reason.key == "chose_elsewhere"
    assert Project.objects.get(target=firms[6]).hold_reason == "等待土地规划"
    assert not Project.all_objects.filter(target__in=[firms[i] for i in (1, 2, 3, 5)]).exists()


def test_rows_are_refused_with_row_column_value_and_reason(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    known, busy = EnterpriseFactory(is_local=False), EnterpriseFactory(is_local=False)
    services.create_project(busy, analyst, {})
    no_role = user_with_role("leader", "boss")
    rows = [
        [*HEADERS, "责任人", "投资额"],
        [valid_uscc(990001), "", "", "", "", "", ""],  # not in the registry
        [known.uscc, "", "nev.warp_drive", "", "", "", ""],  # unknown node
        [known.uscc, "", "", "", "", "", ""],  # valid, first row for known
        [known.uscc, "again", "", "", "", "", ""],  # the same enterprise again
        [busy.uscc, "", "", "", "", "", ""],  # already has an open project
        ["91330702ABC", "", "", "", "", "", ""],  # malformed USCC
        [EnterpriseFactory().uscc, "", "", "谈判中", "", "boss", "-5"],
    ]
    report = importing.import_projects(xlsx(tmp_path / "p.xlsx", rows), analyst)
    assert (report.rows, report.created, report.failed) == (7, 0, 7)
    by_row = {(i.row, i.code): i for i in report.errors}
    unknown = by_row[(2, "target_unknown")]
    assert unknown.column == "统一社会信用代码" and unknown.value == valid_uscc(990001)
    assert "registry" in unknown.message
    assert by_row[(3, "node_unknown")].column == "产业链环节"
    assert "row 3" in by_row[(4, "duplicate_target")].message  # row 3 named it first
    assert (5, "duplicate_target") in by_row
    assert "already has an open project" in by_row[(6, "conflict")].message
    assert (7, "uscc_invalid") in by_row
    assert {(8, "stage_unknown"), (8, "owner_not_allowed"), (8, "negative")} <= set(by_row)
    stage_message = by_row[(8, "stage_unknown")].message  # English: the autouse fixture pins it
    assert "use one of: Lead, First contact, Negotiation" in stage_message
    assert not Project.objects.filter(target=known).exists()  # each of its rows failed
    assert no_role.owned_projects.count() == 0


def test_all_or_nothing_changes_nothing_when_a_row_fails(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    good, other = EnterpriseFactory(is_local=False), EnterpriseFactory(is_local=False)
    rows = [HEADERS, [good.uscc, "", "", "接洽", "2025-01-02"], [other.uscc, "", "", "签约", ""]]
    path = xlsx(tmp_path / "p.xlsx", rows)
    before = counts()
    report = importing.import_projects(path, analyst, mode="all_or_nothing")
    assert (report.created, report.failed, report.applied) == (1, 1, False)
    assert report.project_ids == [] and "nothing was changed" in report.message
    assert counts() == before


def test_dry_run_validates_everything_and_changes_nothing(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    good = EnterpriseFactory(is_local=False)
    rows = [
        HEADERS,
        [good.uscc, "", "nev.battery", "接洽", "2025/1/2"],
        [good.uscc, "", "", "", ""],
    ]
    path = xlsx(tmp_path / "p.xlsx", rows)
    before = counts()
    report = importing.import_projects(path, analyst, dry_run=True)
    assert (report.rows, report.created, report.moved, report.failed) == (2, 1, 1, 1)
    assert not report.applied and report.dry_run and "Dry run" in report.message
    assert counts() == before
    assert importing.import_projects(path, analyst).created == 1  # the same file, applied


def test_target_by_exact_name_and_blank_and_totals_rows(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(name="金华星河新能源(浙江)有限公司", uscc=None)
    rows = [
        ["企业名称", "项目阶段", "投资额（万元）", "备注"],
        ["金华星河新能源（浙江）有限公司", "线索", "1,000", "first contact\x07 by phone"],
        ["", "", "", ""],
        ["合计", "", "1,000", ""],
        ["不存在的公司", "", "", ""],
    ]
    report = importing.import_projects(gbk_csv(tmp_path / "names.csv", rows), analyst)
    assert (report.rows, report.created, report.skipped, report.failed) == (3, 1, 1, 1)
    project = Project.objects.get(target=firm)
    assert project.investment_amount == Decimal("1000.00")
    assert project.activities.get().summary == "first contact by phone"  # control character dropped
    assert [i.code for i in report.errors] == ["target_unknown"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not_a_table"),
        (bytes(range(256)) * 8, "not_a_table"),
        ("项目名称,投资额,备注\n甲,1,x\n".encode("gbk"), "no_key_column"),
        (b"a,b,c\n1,2,3\n", "no_header"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, analyst, content, code) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportRejected) as refused:
        importing.import_projects(path, analyst)
    assert refused.value.details["code"] == code and refused.value.message


def test_wrong_sheet_mode_and_permission_are_refused(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    path = xlsx(tmp_path / "p.xlsx", [HEADERS])
    with pytest.raises(ImportRejected, match="no sheet named"):
        importing.import_projects(path, analyst, sheet="项目2024")
    with pytest.raises(ImportRejected):
        importing.import_projects(path, analyst, mode="everything")
    with pytest.raises(PermissionDenied):
        importing.import_projects(path, user_with_role("leader", "boss"))


def test_template_round_trip(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(is_local=False)
    book = openpyxl.load_workbook(io.BytesIO(importing.projects_template_xlsx().read()))
    assert book.sheetnames[:2] == ["项目", "填写说明"]
    headers = [c.value for c in book["项目"][1]]
    assert headers == importing.template_headers() and "投资额（万元）" in headers
    values = {
        "统一社会信用代码": firm.uscc,
        "项目阶段": "洽谈",
        "投资额（万元）": "2亿",
        "首次接洽日期": "2024.11",
    }
    book["项目"].append([values.get(h, "") for h in headers])
    book.save(tmp_path / "filled.xlsx")
    report = importing.import_projects(tmp_path / "filled.xlsx", analyst)
    assert (report.created, report.failed) == (1, 0), report.issues
    assert set(report.columns) == {f.name for f in importing.PROJECT_FIELDS}
    project = Project.objects.get(target=firm)
    assert project.stage.key == "negotiation" and project.investment_amount == Decimal("20000.00")


def test_command_prints_counts_and_issues(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(is_local=False)
    path = xlsx(tmp_path / "p.xlsx", [HEADERS, [firm.uscc, "", "", "签约", "2025-01-02"]])
    out = io.StringIO()
    call_command(
        "import_projects", str(path), "--user", "ana", "--dry-run", stdout=out, verbosity=0
    )
    text = out.getvalue()
    assert "Rows read: 1;" in text and "Dry run" in text
    assert "investment (10k yuan) must be filled in" in text  # 洽谈, on the way to 签约
    assert "signed agreement must be attached" in text  # what 签约 would need after that
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_projects", str(path), "--user", "ana", "--mode", "all_or_nothing", verbosity=0
        )
    with pytest.raises(CommandError, match="--user"):
        call_command("import_projects", str(path), verbosity=0)
    assert not Project.objects.exists()


def test_hostile_text_is_refused_or_made_inert(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firms = [EnterpriseFactory(is_local=False) for _ in range(3)]
    rows = [
        ["统一社会信用代码", "项目名称", "下一步工作", "备注"],
        [firms[0].uscc, "=cmd|' /C calc'!A0", "", ""],
        [firms[1].uscc, "正常项目", "@SUM(A1:A9)", ""],
        [firms[2].uscc, "园区\u202e项目\u200b", "走访\x1b企业", "x" * 301],
    ]
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = importing.import_projects(path, analyst)
    codes = {(i.row, i.column, i.code) for i in report.errors}
    assert codes == {
        (2, "项目名称", "formula_text"),
        (3, "下一步工作", "formula_text"),
        (4, "备注", "too_long"),
    }
    assert report.created == 0
    rows[3][3] = ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert importing.import_projects(path, analyst).created == 1
    project = Project.objects.get(target=firms[2])
    assert (project.name, project.next_step) == (
        "园区项目",
        "走访企业",
    )  # invisible characters dropped


def test_a_formula_cell_in_a_workbook_is_read_as_its_value(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(is_local=False)
    path = xlsx(
        tmp_path / "f.xlsx",
        [HEADERS + ["投资额"], [firm.uscc, '=HYPERLINK("x")', "", "", "", "=1+1"]],
    )
    report = importing.import_projects(path, analyst)
    assert report.created == 1, report.issues
    project = Project.objects.get(target=firm)
    assert "HYPERLINK" not in project.name and project.investment_amount is None  # no cached value


def test_import_page_dry_run_then_apply(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from corridor.investment.models import Project as ProjectModel

    analyst = user_with_role("investment_analyst", "imp")
    target = EnterpriseFactory(is_local=False, uscc=valid_uscc(424242))
    body = f"统一社会信用代码,项目名称,项目阶段\n{target.uscc},测试导入项目,线索\n".encode()
    client = Client()
    client.force_login(analyst)
    assert client.get("/investment/projects/import/").status_code == 200
    assert client.get("/investment/projects/import/template.xlsx").status_code == 200
    dry = client.post(
        "/investment/projects/import/",
        {"file": SimpleUploadedFile("p.csv", body), "mode": "valid_rows", "dry_run": "1"},
    )
    assert dry.status_code == 200 and 'id="import-report"' in dry.content.decode()
    assert not ProjectModel.objects.exists()
    client.post(
        "/investment/projects/import/",
        {"file": SimpleUploadedFile("p.csv", body), "mode": "valid_rows"},
    )
    assert ProjectModel.objects.get().name == "测试导入项目"
