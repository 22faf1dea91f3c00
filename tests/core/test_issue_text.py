"""Import issues, upload rejections and USCC messages follow the active language (zh-hans or en)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from corridor.accounts.forms import SignUpForm
from corridor.core.issue_text import ISSUE_TEXT, issue_line, issue_text, uscc_text
from corridor.core.templatetags.corridor import issue_reason
from corridor.engine.sheets.cells import Issue, shown
from corridor.engine.uscc import check_uscc
from corridor.errors import ImportRejected, ValidationFailed
from corridor.imports import exporting as import_exporting
from corridor.imports import services as importing
from corridor.imports.models import ImportBatch, ImportIssue
from corridor.registry import services
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "src" / "corridor" / "engine" / "sheets"
ENGINE_MODULES = ("cells.py", "tabular.py", "rows.py", "guard.py")
IMPORTING = ROOT / "src" / "corridor" / "imports" / "services.py"
PARSING = ROOT / "src" / "corridor" / "registry" / "parsing.py"
CODE_ARGUMENT = {
    "Issue": 3,
    "CellError": 0,
    "TableError": 0,
    "_Refusal": 0,  # the workbook guard's refusals, raised as TableError
}  # position of `code` in each constructor
SERVICE_CODES = {
    "park_unknown",
    "no_mapping",
    "no_key_column",
    "too_large",
    "empty_file",
    "rows_invalid",
}
CJK = re.compile(r"[\u4e00-\u9fff]")
U1, U2 = valid_uscc(301), valid_uscc(302)


# --- every code the engine can produce has a template ----------------------------------------------


def _callee(node: ast.Call) -> str:
    """The called name: CellError(...) or module.CellError(...)."""
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def _code_argument(node: ast.Call, position: int) -> ast.expr | None:
    """The expression passed as `code`, by keyword or position."""
    for keyword in node.keywords:
        if keyword.arg == "code":
            return keyword.value
    return node.args[position] if len(node.args) > position else None


def _strings(expr: ast.AST) -> set[str]:
    """String literals anywhere in an expression (covers `"a" if x else "b"`)."""
    return {
        n.value for n in ast.walk(expr) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _codes_in(path: Path, constructors: dict[str, int]) -> tuple[set[str], list[str]]:
    """Codes passed to the constructors in one module, and the calls whose code is not a literal."""
    codes: set[str] = set()
    dynamic: list[str] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for scope in [tree, *scopes]:
        assigned: dict[str, set[str]] = {}  # local name -> literals assigned to it in this scope
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, set()).update(_strings(node.value))
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call) or _callee(node) not in constructors:
                continue
            expr = _code_argument(node, constructors[_callee(node)])
            if expr is None:
                continue
            if isinstance(expr, ast.Name) and assigned.get(expr.id):
                codes |= assigned[expr.id]
            elif _strings(expr):
                codes |= _strings(expr)
            else:
                dynamic.append(f"{path.name}:{node.lineno} {ast.unparse(expr)}")
    return codes, dynamic


def engine_codes() -> set[str]:
    """Every code in the engine modules; only forwarding another error's .code may be non-literal."""
    codes: set[str] = set()
    for name in ENGINE_MODULES:
        found, dynamic = _codes_in(ENGINE / name, CODE_ARGUMENT)
        codes |= found
        assert all(d.endswith(".code") for d in dynamic), dynamic  # e.g. Issue(..., exc.code, ...)
    return codes


def test_the_extraction_finds_the_engine_codes() -> None:
    codes = engine_codes()
    assert len(codes) > 15, codes
    assert {"money_invalid", "uscc_length", "uscc_charset", "totals_row", "no_header"} <= codes
    # A plain regex over the source finds a subset: the AST walk misses nothing it sees.
    pattern = re.compile(r"""\b(?:CellError|TableError)\(\s*["']([a-z_]+)["']""")
    by_regex = {
        c for name in ENGINE_MODULES for c in pattern.findall((ENGINE / name).read_text("utf-8"))
    }
    assert by_regex and by_regex <= codes, by_regex - codes


def test_every_engine_and_service_code_has_a_template() -> None:
    service, _dynamic = _codes_in(IMPORTING, {"Issue": 3, "ImportRejected": 99})
    service |= _codes_in(PARSING, {"Issue": 3, "TableError": 0})[0]
    assert service >= SERVICE_CODES, service
    missing = (engine_codes() | service | SERVICE_CODES) - set(ISSUE_TEXT)
    assert not missing, sorted(missing)


# --- a real import, shown in both languages ----------------------------------------------------------


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return user_with_role("administrator", "root")


BAD_ROWS = [
    ["甲科技有限公司", U1, "浙江省金华市婺城区宾虹西路1号", 2024, "100", 10, "5"],
    ["乙科技有限公司", U2, "", 2024, "12abc", 10, "5"],  # money_invalid
    ["丙科技有限公司", "", "", 2024, "100", "1.5", "5"],  # int_invalid
    ["丁科技有限公司", "", "", "20x4", "100", 10, "5"],  # year_invalid
    ["戊科技有限公司", "123", "", 2024, "100", 10, "5"],  # uscc_length
    ["甲科技有限公司", U1, "浙江省金华市婺城区宾虹西路1号", 2024, "100", 10, "5"],  # duplicate_row
    ["合计", "", "", "", "312", 40, "20"],  # totals_row
]
ENGLISH = {  # a phrase of each English reason, absent from the Chinese one
    "money_invalid": "is not an amount of money",
    "int_invalid": "expected a whole number",
    "year_invalid": "is not a year",
    "uscc_length": "must be 18 characters, found 3",
    "duplicate_row": "Repeats row 2 exactly",
    "totals_row": "Totals row",
}


def _issues(admin, tmp_path) -> list[ImportIssue]:  # type: ignore[no-untyped-def]
    batch = importing.run_import_file(write_csv(tmp_path / "bad.csv", BAD_ROWS), admin)
    issues = list(ImportIssue.objects.filter(batch=batch))
    assert {i.code for i in issues} == set(ENGLISH), [(i.code, i.reason) for i in issues]
    return issues


def test_stored_issue_reasons_follow_the_language(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for issue in _issues(admin, tmp_path):
        with translation.override("zh-hans"):
            chinese = issue_reason(issue)
        with translation.override("en"):
            english = issue_reason(issue)
        assert CJK.search(chinese) and ENGLISH[issue.code] not in chinese, chinese
        assert ENGLISH[issue.code] in english, english
        if issue.value:
            assert shown(issue.value) in chinese and shown(issue.value) in english
        if issue.code in ("money_invalid", "int_invalid", "year_invalid", "uscc_length"):
            assert english == issue.reason  # the English templates say what the engine says


def test_template_filter_and_csv_report_are_translated(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    issues = _issues(admin, tmp_path)
    money = next(i for i in issues if i.code == "money_invalid")
    template = Template("{% load corridor %}{{ i|issue_reason }}")
    with translation.override("zh-hans"):
        assert "不是有效金额" in template.render(Context({"i": money}))
        report = "".join(import_exporting.issues_csv(ImportIssue.objects.filter(batch=money.batch)))
    assert "应为 18 位，实际为 3 位" in report and "must be 18 characters" not in report
    engine_issue = Issue(
        3, "营业收入", "12abc", money.code, money.reason, "error", dict(money.params)
    )
    with translation.override("zh-hans"):
        assert issue_reason(engine_issue) == issue_reason(money)


def test_import_page_shows_chinese_reasons(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _issues(admin, tmp_path)
    client = Client()
    client.force_login(admin)
    batch = ImportBatch.objects.latest("pk")
    page = client.get(
        f"/imports/batch/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    table = page.split('id="issues"', 1)[1]
    assert "统一社会信用代码“123”应为 18 位，实际为 3 位" in table
    assert "must be 18 characters" not in table


def test_upload_rejection_is_translated(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "blank.csv"
    path.write_bytes(b"  \n \n")
    with translation.override("zh-hans"), pytest.raises(ImportRejected) as caught:
        importing.receive_path(path, admin)
    assert caught.value.message == "文件“blank.csv”没有内容。"
    assert caught.value.details["filename"] == "blank.csv"
    with translation.override("en"), pytest.raises(ImportRejected) as caught:
        importing.receive_path(path, admin)
    assert caught.value.message == "The file 'blank.csv' contains no data."


# --- USCC messages -----------------------------------------------------------------------------------


def test_uscc_text_covers_length_characters_and_checksum() -> None:
    wrong_check = U1[:17] + ("0" if U1[17] != "0" else "1")
    with translation.override("zh-hans"):
        assert uscc_text(check_uscc("123")) == "应为 18 位，实际为 3 位"
        assert uscc_text(check_uscc(U1[:17] + "I")).endswith("：I")
        assert uscc_text(check_uscc(wrong_check)) == f"校验位为 {wrong_check[17]}，应为 {U1[17]}"
        assert uscc_text(check_uscc(U1)) == ""
    with translation.override("en"):
        for raw in ("123", U1[:17] + "I", wrong_check):
            result = check_uscc(raw)
            assert uscc_text(result) == (result.error or result.warning)


def test_services_and_sign_up_form_show_translated_uscc_errors(db) -> None:  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"):
        with pytest.raises(ValidationFailed) as caught:
            services.clean_uscc("123", confirm_checksum=False)
        assert "应为 18 位，实际为 3 位" in caught.value.message
        form = SignUpForm(
            data={
                "organisation": "甲",
                "uscc": "123",
                "username": "u1",
                "email": "a@example.com",
                "password": "pw-Corridor-1",
            }
        )
        assert not form.is_valid()
        assert form.errors["uscc"] == ["应为 18 位，实际为 3 位"]


# --- falling back to the engine's English -------------------------------------------------------------


def test_unknown_codes_and_missing_params_fall_back() -> None:
    with translation.override("zh-hans"):
        assert issue_text("no_such_code", {"value": "x"}, "English text") == "English text"
        assert issue_text("money_invalid", {}, "English text") == "English text"
        assert issue_text("int_invalid", None, "English text") == "English text"
        assert (
            issue_text("too_long", {"value": "x", "length": "many"}, "English text")
            == "English text"
        )
        assert issue_text("money_invalid", {"value": "x", "reason": "a new reason"}, "fb") == "fb"
        assert (
            issue_text("uscc_checksum", {"value": "x", "normalised": U1}, "fb") == "fb"
        )  # not a checksum error
        assert issue_text("negative", {"value": "-5"}, "fb") == "“-5”为负数；该项不能小于零"


def test_stored_params_as_strings_still_format() -> None:
    """IssueSink stores every param as str: lists as their repr, None as 'None'."""
    with translation.override("zh-hans"):
        text = issue_text("choice_invalid", {"value": "也许", "accepted": "['是', '否']"}, "fb")
        assert text == "“也许”不在可接受的取值范围内，可接受的取值：是, 否"
        conflict = {"uscc": U1, "first_row": "2", "year": "None"}
        assert "None" not in issue_text("duplicate_conflict", conflict, "fb")
        assert "（年份 2024）" in issue_text(
            "duplicate_conflict", {**conflict, "year": "2024"}, "fb"
        )
        assert (
            issue_text("out_of_range", {"value": "200", "min": "-90.0", "max": "90.0"}, "fb")
            == "“200”超出范围 -90…90"
        )
        assert issue_text("rows_invalid", {"rows_error": "3"}, "fb").startswith(
            "“全部或不导入”模式已中止：3 行"
        )


# --- column and reason joined once ---------------------------------------------------------------


def test_an_issue_without_a_column_has_no_stray_colon() -> None:
    totals = Issue(
        5, "", "合计", "totals_row", "Row 5 is a totals row ('合计'); skipped.", "skipped"
    )
    totals.params["label"] = "合计"
    cell = Issue(
        3, "营业收入", "12abc", "negative", "'12abc' is negative", "error", {"value": "-1"}
    )
    assert issue_line("", "Totals row.") == "Totals row."
    assert issue_line("  ", "Totals row.") == "Totals row."
    assert issue_line("营业收入", "'-1' is negative") == "营业收入: '-1' is negative"
    template = Template("{% load corridor %}[{{ i|issue_line }}]")
    with translation.override("en"):
        assert (
            template.render(Context({"i": totals})) == "[Totals row (&#x27;合计&#x27;); skipped.]"
        )
        assert template.render(Context({"i": cell})).startswith(
            "[营业收入: &#x27;-1&#x27; is negative"
        )


def test_the_preview_shows_a_totals_row_without_a_stray_colon(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin)
    path = write_csv(tmp_path / "t.csv", [BAD_ROWS[0], ["合计", "", "", "", "100", 10, "5"]])
    with path.open("rb") as handle:
        assert client.post("/imports/enterprises/upload/", {"file": handle}).status_code == 302
    batch = ImportBatch.objects.latest("pk")
    page = client.get(f"/imports/batch/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sample = page.split('id="sample"', 1)[1].split("</table>", 1)[0]
    assert "Totals row" in sample
    assert not re.search(r'<span class="badge \w+">\s*:', sample), sample


def test_the_missing_year_notice_is_translated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from corridor.engine.sheets.rows import RowReader
    from corridor.engine.sheets.tabular import auto_map, detect_layout, open_table
    from corridor.registry.columns import ENTERPRISE_FIELDS

    table = open_table(
        write_csv(
            tmp_path / "n.csv",
            [["甲", U1, "1"]],
            header=["企业名称", "统一社会信用代码", "营业收入"],
        )
    )
    layout = detect_layout(table.head(), ENTERPRISE_FIELDS)
    RowReader(table.rows(), layout, auto_map(layout, ENTERPRISE_FIELDS), ENTERPRISE_FIELDS)
    [notice] = layout.notices
    with translation.override("en"):
        assert issue_reason(notice) == notice.message
    with translation.override("zh-hans"):
        assert "没有给出所属年度" in issue_reason(notice) and "营业收入" in issue_reason(notice)
