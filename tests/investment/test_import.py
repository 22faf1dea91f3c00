"""Importing investment projects through the intake wing's flow (kind "projects"): Chinese headers
and units, stage rules as on the board, modes, revert."""

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
from corridor.errors import Conflict, ImportRejected, PermissionDenied, ValidationFailed
from corridor.imports import selectors as import_selectors
from corridor.imports import services as flow
from corridor.imports.models import ImportBatch, ImportIssue
from corridor.imports.seam import importer_for
from corridor.investment import exporting, selectors, services
from corridor.investment.columns import PROJECT_FIELDS
from corridor.investment.intake import template_headers
from corridor.investment.models import Activity, Project, StageChange
from tests.factories import EnterpriseFactory, user_with_role, valid_uscc

pytestmark = pytest.mark.django_db

HEADERS = ["统一社会信用代码", "项目名称", "产业链环节", "项目阶段", "首次接洽日期"]


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
        AuditEvent.objects.filter(target_type__startswith="investment").count(),
        Activity.objects.count(),
    )


def apply(path: Path, user: Any, mode: str = "valid_rows", **kwargs: Any) -> ImportBatch:
    """Upload and apply a file as projects."""
    batch = flow.receive_path(path, user, "projects", **kwargs)
    return flow.apply_batch(batch, user, mode=mode)


def validate(path: Path, user: Any, **kwargs: Any) -> ImportBatch:
    """Upload and validate a file as projects (nothing is kept)."""
    return flow.validate_batch(flow.receive_path(path, user, "projects", **kwargs), actor=user)


def tally(batch: ImportBatch) -> tuple[int, int, int, int, int]:
    """rows read, projects created, moved past 线索, rows failed, rows skipped."""
    return (
        batch.rows_total,
        batch.created_count,
        batch.facts_written,
        batch.rows_error,
        batch.rows_skipped,
    )


def errors(batch: ImportBatch) -> list[ImportIssue]:
    return list(batch.issues.filter(severity="error").order_by("row", "pk"))


def errors_by_row(batch: ImportBatch) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for issue in errors(batch):
        out.setdefault(issue.row, []).append(f"{issue.code}: {issue.reason}")
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
    batch = apply(path, analyst)
    assert tally(batch) == (2, 2, 1, 0, 0), list(batch.issues.values_list("code", "reason"))
    assert batch.status == "applied"
    inspection = flow.inspect_batch(batch)
    amount_column = next(i for i, n in inspection.mapping.items() if n == "investment_amount")
    assert inspection.layout.labels[amount_column] == "投资额（亿元）"
    first = Project.objects.get(target=a)
    assert first.stage.key == "contact" and first.name == "动力电池基地"
    assert (first.node, first.chain) == ("nev.battery", "nev")
    assert first.first_visit_on == dt.date(2025, 3, 1)
    assert first.investment_amount == Decimal("12000.00")  # 1.2 亿元 = 12,000 万元
    assert first.expected_output == Decimal("3500.00") and first.expected_jobs == 120
    assert first.land_mu == Decimal("50.00") and first.owner == analyst
    assert first.created_by_import == batch
    second = Project.objects.get(target=b)
    assert second.stage.key == "lead" and second.investment_amount == Decimal(
        "8000.00"
    )  # the cell's unit wins
    assert second.owner == helper and second.source_channel == "expo"
    assert second.node == "nev.battery" and second.floor_space_m2 == 12000  # by its Chinese name
    moves = list(first.stage_changes.values_list("to_stage__key", "by__username"))
    assert moves == [("lead", "ana"), ("contact", "ana")]
    events = AuditEvent.objects.filter(action="import", target_id=str(first.pk))
    assert "projects.xlsx 第3行" in {e.note for e in events}
    importer = importer_for("projects")
    assert {link.url for link in importer.record_links(batch)} == {
        f"/investment/projects/{first.pk}/",
        f"/investment/projects/{second.pk}/",
    }
    assert importer.records_url(batch) == f"/investment/list/?import={batch.pk}"
    services.create_project(EnterpriseFactory(is_local=False), analyst, {})  # not imported
    listed = selectors.project_list(
        analyst, selectors.ProjectFilters.from_query({"import": str(batch.pk)})
    )
    assert set(listed) == {first}  # bo's project is not visible to ana; ana's own is not imported


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
    batch = apply(gbk_csv(tmp_path / "projects.csv", rows), analyst)
    assert (batch.created_count, batch.rows_error) == (3, 4)
    by_row = errors_by_row(batch)
    assert set(by_row) == {3, 4, 5, 7}
    assert "first visit must be filled in" in by_row[3][0]
    assert by_row[4][0].startswith("stage_requirements") and "signed agreement" in by_row[4][0]
    assert "Signed" in by_row[4][0]  # the stage is named
    assert "lost reason" in by_row[5][0] and "reason is required" in by_row[7][0]
    assert {i.column for i in errors(batch)} == {"项目阶段"}
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
    bad_check = valid_uscc(990002)[:17] + ("0" if valid_uscc(990002)[17] != "0" else "1")
    rows = [
        [*HEADERS, "责任人", "投资额"],
        [valid_uscc(990001), "", "", "", "", "", ""],  # not in the registry
        [known.uscc, "", "nev.warp_drive", "", "", "", ""],  # unknown node
        [known.uscc, "", "", "", "", "", ""],  # valid, first row for known
        [known.uscc, "again", "", "", "", "", ""],  # the same enterprise again
        [busy.uscc, "", "", "", "", "", ""],  # already has an open project
        ["91330702ABC", "", "", "", "", "", ""],  # malformed USCC
        [EnterpriseFactory().uscc, "", "", "谈判中", "", "boss", "-5"],
        [bad_check, "", "", "", "", "", ""],  # only the check character is wrong
    ]
    batch = apply(xlsx(tmp_path / "p.xlsx", rows), analyst)
    assert (batch.rows_total, batch.created_count, batch.rows_error, batch.rows_warning) == (
        8,
        0,
        7,
        1,
    )
    by_row = {(i.row, i.code): i for i in errors(batch)}
    unknown = by_row[(2, "target_unknown")]
    assert unknown.column == "统一社会信用代码" and unknown.value == valid_uscc(990001)
    assert "registry" in unknown.reason
    assert by_row[(3, "node_unknown")].column == "产业链环节"
    assert "row 3" in by_row[(4, "duplicate_target")].reason  # row 3 named it first
    assert (5, "duplicate_target") in by_row
    assert "already has an open project" in by_row[(6, "conflict")].reason
    assert (7, "uscc_length") in by_row  # the engine's USCC codes, as for enterprises
    assert {(8, "stage_unknown"), (8, "owner_not_allowed"), (8, "negative")} <= set(by_row)
    stage_message = by_row[(8, "stage_unknown")].reason  # English: the autouse fixture pins it
    assert "use one of: Lead, First contact, Negotiation" in stage_message
    held = batch.issues.get(row=9)  # as for enterprises: a warning to confirm, the row not written
    assert (held.code, held.severity) == ("uscc_checksum", "warning")
    assert not Project.objects.filter(target=known).exists()  # each of its rows failed
    assert no_role.owned_projects.count() == 0
    accepted = validate(
        xlsx(tmp_path / "p2.xlsx", [rows[0], rows[8]]), analyst, options={"accept_warnings": True}
    )
    codes = set(accepted.issues.values_list("code", "severity"))
    assert ("uscc_checksum", "warning") in codes and ("target_unknown", "error") in codes


def test_all_or_nothing_changes_nothing_when_a_row_fails(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    good, other = EnterpriseFactory(is_local=False), EnterpriseFactory(is_local=False)
    rows = [HEADERS, [good.uscc, "", "", "接洽", "2025-01-02"], [other.uscc, "", "", "签约", ""]]
    path = xlsx(tmp_path / "p.xlsx", rows)
    batch = flow.receive_path(path, analyst, "projects")
    before = counts()
    with pytest.raises(ImportRejected) as refused:
        flow.apply_batch(batch, analyst, mode="all_or_nothing")
    assert "Nothing was changed" in refused.value.message
    batch.refresh_from_db()
    assert (batch.status, batch.rows_valid, batch.rows_error) == ("failed", 1, 1)
    assert batch.issues.filter(row=3, code="stage_requirements").exists()  # the report is kept
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
    batch = validate(path, analyst)
    assert (batch.status, batch.rows_total, batch.rows_valid, batch.rows_error) == (
        "validated",
        2,
        1,
        1,
    )
    assert [i.code for i in errors(batch)] == ["duplicate_target"]
    assert counts() == before
    batch = flow.apply_batch(batch, analyst)  # the same file, applied
    assert tally(batch) == (2, 1, 1, 1, 0)


def test_target_by_exact_name_and_blank_and_totals_rows(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(name="金华星河新能源(浙江)有限公司", uscc=None)
    rows = [
        ["企业名称", "项目阶段", "投资额（万元）", "备注"],
        ["金华星河新能源（浙江）有限公司", "线索", "1,000", "first contact\x07 by phone"],
        ["", "", "", ""],
        ["本页合计", "", "1,000", ""],
        ["合计", "", "1,000", ""],
        ["不存在的公司", "", "", ""],
    ]
    batch = apply(gbk_csv(tmp_path / "names.csv", rows), analyst)
    assert tally(batch) == (4, 1, 0, 1, 2)
    project = Project.objects.get(target=firm)
    assert project.investment_amount == Decimal("1000.00")
    assert project.activities.get().summary == "first contact by phone"  # control character dropped
    assert [i.code for i in errors(batch)] == ["target_unknown"]
    skipped = batch.issues.filter(code="totals_row").values_list("row", "value")
    assert sorted(skipped) == [(4, "本页合计"), (5, "合计")]


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
        validate(path, analyst)
    assert refused.value.details["code"] == code and refused.value.message


def test_wrong_sheet_mode_and_permission_are_refused(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    path = xlsx(tmp_path / "p.xlsx", [HEADERS])
    with pytest.raises(ImportRejected, match="no sheet named"):
        validate(path, analyst, sheet="项目2024")
    with pytest.raises(ValidationFailed, match="Unknown import mode"):
        apply(path, analyst, mode="everything")
    leader = user_with_role("leader", "boss")
    with pytest.raises(PermissionDenied):
        apply(path, leader)
    client = Client()
    client.force_login(leader)
    assert client.get("/imports/projects/").status_code == 403


def test_template_round_trip(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(is_local=False)
    with translation.override("zh-hans"):  # the template is written for Chinese users
        template = importer_for("projects").template()
    book = openpyxl.load_workbook(io.BytesIO(template.read()))
    assert book.sheetnames[:2] == ["项目", "填写说明"]
    headers = [c.value for c in book["项目"][1]]
    assert headers == template_headers() and "投资额（万元）" in headers
    assert "用地需求（亩）" in headers and "厂房需求（平方米）" in headers
    explained = {row[0].value: row[2].value for row in book["填写说明"].iter_rows(min_row=2)}
    assert "线索" in explained["项目阶段"] and "万元" in explained["投资额（万元）"]
    values = {
        "统一社会信用代码": firm.uscc,
        "项目阶段": "洽谈",
        "投资额（万元）": "2亿",
        "首次接洽日期": "2024.11",
    }
    book["项目"].append([values.get(h, "") for h in headers])
    book.save(tmp_path / "filled.xlsx")
    batch = apply(tmp_path / "filled.xlsx", analyst)
    assert (batch.created_count, batch.rows_error) == (1, 0)
    assert set(flow.inspect_batch(batch).mapping.values()) == {f.name for f in PROJECT_FIELDS}
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
    assert "(projects) validated: 1 rows read, 0 valid, 1 with errors" in text
    assert "investment (10k yuan) must be filled in" in text  # 洽谈, on the way to 签约
    assert "signed agreement must be attached" in text  # what 签约 would need after that
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command(
            "import_projects", str(path), "--user", "ana", "--mode", "all_or_nothing", verbosity=0
        )
    with pytest.raises(CommandError, match="Name the importing user"):
        call_command("import_projects", str(path), verbosity=0)
    out = io.StringIO()
    call_command("import_file", str(path), "--kind", "projects", "--user", "ana", stdout=out)
    assert "(projects) applied: 1 rows read" in out.getvalue()
    assert not Project.objects.exists()


def test_formula_like_text_is_kept_and_neutralised_on_export(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
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
    batch = apply(path, analyst)
    # One rule for every kind (the engine's): formula-like text is kept, and neutralised on export.
    assert {(i.row, i.column, i.code) for i in errors(batch)} == {(4, "备注", "too_long")}
    assert batch.created_count == 2
    formula = Project.objects.get(target=firms[0])
    assert formula.name == "=cmd|' /C calc'!A0"
    assert Project.objects.get(target=firms[1]).next_step == "@SUM(A1:A9)"
    book = openpyxl.load_workbook(
        io.BytesIO(exporting.projects_xlsx(Project.objects.order_by("pk"), "en").read())
    )
    names = [c.value for c in book.worksheets[0]["A"][1:]]
    assert names == ["'=cmd|' /C calc'!A0", "正常项目"]
    rows[3][3] = ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert apply(path, analyst).created_count == 1  # the other two already have open projects
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
    batch = apply(path, analyst)
    assert batch.created_count == 1, list(batch.issues.values_list("code", "reason"))
    project = Project.objects.get(target=firm)
    assert "HYPERLINK" not in project.name and project.investment_amount is None  # no cached value


def test_revert_removes_the_projects_the_import_created(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firms = [EnterpriseFactory(is_local=False) for _ in range(2)]
    kept = services.create_project(EnterpriseFactory(is_local=False), analyst, {})
    rows = [
        HEADERS,
        [firms[0].uscc, "甲", "", "接洽", "2025-01-02"],
        [firms[1].uscc, "乙", "", "", ""],
    ]
    batch = apply(xlsx(tmp_path / "p.xlsx", rows), analyst)
    assert batch.created_count == 2
    assert importer_for("projects").edited_after(batch) == []
    flow.revert_batch(batch, analyst)
    batch.refresh_from_db()
    assert batch.status == "reverted"
    assert list(Project.objects.all()) == [kept]  # soft-deleted, the other project untouched
    assert (
        Project.all_objects.filter(created_by_import=batch, deleted_at__isnull=False).count() == 2
    )
    again = apply(xlsx(tmp_path / "p.xlsx", rows), analyst)  # the enterprises are free again
    assert again.created_count == 2


def test_revert_after_a_person_moved_a_project_asks_first(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firms = [EnterpriseFactory(is_local=False) for _ in range(2)]
    rows = [HEADERS, [firms[0].uscc, "甲", "", "", ""], [firms[1].uscc, "乙", "", "", ""]]
    batch = apply(xlsx(tmp_path / "p.xlsx", rows), analyst)
    moved = Project.objects.get(target=firms[0])
    services.move_stage(moved, selectors.stage_by_key("on_hold"), analyst, "等待土地规划")
    importer = importer_for("projects")
    assert importer.edited_after_count(batch) == 1
    (edited,) = importer.edited_after(batch)
    assert (edited.label, edited.url, edited.who) == (
        "甲",
        f"/investment/projects/{moved.pk}/",
        "ana",
    )
    with pytest.raises(Conflict) as refused:
        flow.revert_batch(batch, analyst)
    assert refused.value.details["code"] == "edited_after_import"
    assert Project.objects.count() == 2  # nothing undone
    flow.revert_batch(batch, analyst, confirm_edited=True)
    assert not Project.objects.exists()


def test_the_same_file_again_is_linked_to_its_earlier_import(tmp_path, analyst) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(is_local=False)
    path = xlsx(tmp_path / "p.xlsx", [HEADERS, [firm.uscc, "", "", "", ""]])
    first = apply(path, analyst)
    second = validate(path, analyst)
    assert list(import_selectors.earlier_imports(second)) == [first]
    assert [i.code for i in errors(second)] == ["conflict"]  # the first import opened it


def test_old_import_addresses_lead_to_the_intake_wing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    analyst = user_with_role("investment_analyst", "imp")
    target = EnterpriseFactory(is_local=False, uscc=valid_uscc(424242))
    body = f"统一社会信用代码,项目名称,项目阶段\n{target.uscc},测试导入项目,线索\n".encode()
    client = Client()
    client.force_login(analyst)
    old = client.get("/investment/projects/import/")
    assert old.status_code == 302 and old["Location"] == "/imports/projects/"
    template = client.get("/investment/projects/import/template.xlsx", follow=True)
    assert template.status_code == 200 and template.redirect_chain[-1][0] == (
        "/imports/projects/template.xlsx"
    )
    assert client.get("/imports/projects/").status_code == 200
    upload = client.post("/imports/projects/upload/", {"file": SimpleUploadedFile("p.csv", body)})
    assert upload.status_code == 302, upload.content[:300]
    batch = ImportBatch.objects.get(kind="projects")
    page = client.get(f"/imports/batch/{batch.pk}/")
    assert page.status_code == 200 and "测试导入项目" in page.content.decode()
    inspection = flow.inspect_batch(batch)
    (preview,) = inspection.sample  # read with the project columns' own rules
    assert preview.values["project_name"] == "测试导入项目" and preview.issues == []
    mapping = {f"col_{i}": n for i, n in inspection.mapping.items()}
    client.post(f"/imports/batch/{batch.pk}/validate/", {**mapping, "money_unit": "1"})
    batch.refresh_from_db()
    assert (batch.status, batch.rows_valid) == ("validated", 1)
    assert not Project.objects.exists()
    client.post(f"/imports/batch/{batch.pk}/apply/", {"mode": "valid_rows"})
    assert Project.objects.get().name == "测试导入项目"
    page = client.get(f"/imports/batch/{batch.pk}/").content.decode()
    assert f"/investment/projects/{Project.objects.get().pk}/" in page


def test_a_totals_label_in_the_uscc_column_is_a_skipped_row_not_a_bad_code(
    tmp_path, analyst
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["统一社会信用代码", "企业名称", "投资额（万元）"],
        ["本页合计", "", "1,000"],
    ]
    batch = apply(gbk_csv(tmp_path / "totals.csv", rows), analyst)
    assert [(i.row, i.code, i.severity) for i in batch.issues.all()] == [
        (2, "totals_row", "skipped")
    ]
    assert (batch.rows_error, batch.rows_skipped) == (0, 1)
