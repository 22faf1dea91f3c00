"""Import investment projects from XLSX/XLS/CSV through the pipeline's own services.

Each row opens a project with services.create_project (one open project per enterprise) and walks it
to its stage with services.move_stage through the ordered stages, so an import meets exactly the
entry requirements of the board and the API. The engine reads the file (corridor.engine.sheets.tabular)
and the cells (corridor.engine.sheets.cells); this module only adds the project columns and the row rules.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import xlsxwriter
from django.conf import settings
from django.contrib.auth.models import User
from django.db import DataError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from corridor.accounts.models import AuditAction
from corridor.accounts.services import record_audit
from corridor.atlas.selectors import node_index
from corridor.core.issue_text import issue_text, uscc_text
from corridor.core.reading import open_import_table
from corridor.engine.sheets.cells import (
    ERROR,
    EXCEL_ERRORS,
    SKIPPED,
    WARNING,
    CellError,
    Issue,
    clean_text,
    make_money_parser,
    parse_date,
    parse_decimal,
    parse_int,
    raw_text,
    shown,
    to_halfwidth,
)
from corridor.engine.sheets.columns import ImportField
from corridor.engine.sheets.guard import Limits
from corridor.engine.sheets.tabular import (
    Layout,
    Table,
    TableError,
    auto_map,
    detect_layout,
)
from corridor.engine.uscc import check_uscc
from corridor.errors import (
    DomainError,
    ImportRejected,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from corridor.investment import selectors, services
from corridor.investment.models import LostReason, Project, Stage, StageKind
from corridor.registry import selectors as registry_selectors
from corridor.registry.models import Enterprise

MANAGE = "investment.manage_pipeline"
VALID_ROWS, ALL_OR_NOTHING = "valid_rows", "all_or_nothing"
MODES = (VALID_ROWS, ALL_OR_NOTHING)
HEAD_ROWS = 30
ONE, CENT = Decimal(1), Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 14  # DecimalField(max_digits=16, decimal_places=2)
LAND_LIMIT = Decimal(10) ** 8  # DecimalField(max_digits=10, decimal_places=2)
INT_MAX = 2_147_483_647
# Text a spreadsheet would run as a formula when the data is exported again (=cmd|' /C calc'!A0).
FORMULA_SIGNS = ("=", "+", "@", "＝", "＋", "＠")
_TOTALS = re.compile(r"(?:合计|总计|小计|共计|total|sum)[:：]?", re.IGNORECASE)
_AREA_SUFFIX = re.compile(r"\s*(?:平方米|平米|㎡|m²|m2|sqm)$", re.IGNORECASE)
_MU_SUFFIX = re.compile(r"\s*亩$")
TARGET_FIELDS = ("target_uscc", "target_name")

T = TypeVar("T")


def _f(
    name: str, kind: str, en: str, zh: str, aliases: str, max_length: int | None = None
) -> ImportField:
    """A project column: field name, kind, English and Chinese labels, '|'-separated header aliases."""
    return ImportField(
        name, kind, en, zh, tuple(aliases.split("|")), target="project", max_length=max_length
    )


# Kinds: text, uscc, money (万元), int, mu, m2, date, stage, lost_reason, channel, node, user.
PROJECT_FIELDS: tuple[ImportField, ...] = (
    _f(
        "target_uscc",
        "uscc",
        "Target enterprise USCC",
        "统一社会信用代码",
        "社会信用代码|信用代码|企业信用代码|目标企业统一社会信用代码|uscc|credit code|target uscc",
    ),
    _f(
        "target_name",
        "text",
        "Target enterprise",
        "企业名称",
        "目标企业|招商对象|公司名称|enterprise|company|target enterprise",
        200,
    ),
    _f("project_name", "text", "Project name", "项目名称", "project", 200),
    _f("node", "node", "Chain node", "产业链环节", "产业链节点|链条环节|环节|节点|chain node", 80),
    _f("stage", "stage", "Stage", "项目阶段", "阶段|所处阶段|进展阶段|pipeline stage"),
    _f(
        "investment_amount",
        "money",
        "Investment",
        "投资额",
        "总投资|计划总投资|投资金额|协议投资额|计划投资|investment amount",
    ),
    _f(
        "expected_output",
        "money",
        "Expected annual output",
        "预计年产值",
        "预计产值|达产产值|expected output",
    ),
    _f(
        "expected_tax",
        "money",
        "Expected annual tax",
        "预计年税收",
        "预计税收|达产税收|expected tax",
    ),
    _f("expected_jobs", "int", "Expected jobs", "预计就业", "预计就业人数|新增就业|jobs"),
    _f("land_mu", "mu", "Land demand (mu)", "用地需求", "用地|用地面积|土地需求|land"),
    _f(
        "floor_space_m2",
        "m2",
        "Floor space demand (m²)",
        "厂房需求",
        "厂房面积|用房需求|floor space",
    ),
    _f("source_channel", "channel", "Source channel", "项目来源", "来源渠道|信息来源|channel"),
    _f("owner", "user", "Owner (username)", "责任人", "项目负责人|负责人|owner"),
    _f("next_step", "text", "Next step", "下一步工作", "下一步|下步工作", 200),
    _f(
        "next_follow_up",
        "date",
        "Next follow-up",
        "下次跟进日期",
        "下次跟进|跟进日期|next follow up",
    ),
    _f(
        "first_visit_on",
        "date",
        "First visit",
        "首次接洽日期",
        "首次走访日期|首次拜访日期|接洽日期",
    ),
    _f("signed_on", "date", "Signed", "签约日期", "签约时间|signed on|signing date"),
    _f("registered_on", "date", "Registered", "注册日期", "注册落地日期|落地日期|registered on"),
    _f("construction_on", "date", "Construction started", "开工日期", "开工时间|construction"),
    _f("production_on", "date", "Production started", "投产日期", "投产时间|production"),
    _f(
        "landed_uscc",
        "uscc",
        "USCC of the landed entity",
        "落地主体统一社会信用代码",
        "落地企业统一社会信用代码|落地主体信用代码|landed uscc|landed entity uscc",
    ),
    _f("lost_reason", "lost_reason", "Lost reason", "流失原因", "lost reason"),
    _f("note", "text", "Note / reason", "备注", "说明|暂缓原因|原因|note|reason|hold reason", 300),
)
FIELDS_BY_NAME = {f.name: f for f in PROJECT_FIELDS}
# Columns that go to create_project as they are (the rest are resolved or used for the stage walk).
PROJECT_DATA = tuple(k for k in services.EDITABLE if k in FIELDS_BY_NAME)


def field_label(f: ImportField) -> str:
    """A field's name in the active language."""
    return f.label_zh if (get_language() or "zh-hans").startswith("zh") else f.label_en


# --- the report ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did; in a dry run or a refused all-or-nothing run, what it would have done.

    rows: data rows read (blank rows not counted); created: projects opened; moved: projects walked
    past 线索; failed: rows with an error (not imported); skipped: totals rows; applied: whether the
    changes were kept (False for a dry run and for an all-or-nothing import with a failed row).
    """

    filename: str
    sheet: str
    mode: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    moved: int = 0
    failed: int = 0
    skipped: int = 0
    applied: bool = False
    project_ids: list[int] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field name -> header in the file
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """The issues that made a row fail."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def message(self) -> str:
        """One sentence for the user: the counts and whether anything was kept."""
        counts = _(
            "Rows read: %(rows)d; projects created: %(created)d (moved past 线索: %(moved)d); "
            "rows failed: %(failed)d; rows skipped: %(skipped)d."
        ) % {k: getattr(self, k) for k in ("rows", "created", "moved", "failed", "skipped")}
        if self.dry_run:
            return counts + " " + _("Dry run: nothing was changed.")
        if not self.applied:
            return counts + " " + _("All or nothing: a row failed, so nothing was changed.")
        return counts

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (for an API or a page)."""
        data = asdict(self)
        data["message"] = self.message
        return data


# --- entry points -------------------------------------------------------------------------------


def import_projects(
    path: Path,
    user: User,
    mode: str = VALID_ROWS,
    dry_run: bool = False,
    sheet: str | None = None,
    *,
    filename: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Create one project per row and walk it to its stage with the pipeline services, in one transaction."""
    _check_request(user, mode)
    path = Path(path)
    table = _open(path, filename or path.name, sheet)
    try:
        layout, mapping = _columns(table)
        report = ImportReport(filename or path.name, table.sheet, mode, dry_run)
        with transaction.atomic():
            importer = RowImporter(user, layout, mapping, report)
            for number, cells in table.rows():
                if number >= layout.data_start_row:
                    importer.add(number, cells)
                    if progress and report.rows % 50 == 0:
                        progress(report.rows)
            report.applied = not dry_run and not (mode == ALL_OR_NOTHING and report.failed)
            if not report.applied:
                transaction.set_rollback(True)
    except TableError as exc:  # the file turned bad below its first rows: nothing is kept
        raise _rejected(exc) from exc
    if not report.applied:
        report.project_ids = []
    return report


def importing_user(username: str) -> User:
    """The active user an import is attributed to (CLI)."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(_("No active user named %(name)s.") % {"name": username})
    return user


def _check_request(user: User, mode: str) -> None:
    """Only pipeline managers import, in a known mode."""
    if mode not in MODES:
        raise ImportRejected(
            _("Unknown import mode %(mode)s; use valid_rows or all_or_nothing.") % {"mode": mode},
            code="mode",
        )
    if not (user.is_active and user.has_perm(MANAGE)):
        raise PermissionDenied(_("Importing projects needs the permission to manage the pipeline."))


def _rejected(exc: TableError) -> ImportRejected:
    """A file-level problem in the active language."""
    if exc.code == "no_header":
        message = _(
            "No header row found in the first %(rows)s rows: a project sheet needs column names "
            "such as 统一社会信用代码, 项目名称, 项目阶段 (download the template)."
        ) % {"rows": exc.params.get("rows_checked", HEAD_ROWS)}
    else:
        message = issue_text(exc.code, exc.params, exc.message)
    return ImportRejected(message, code=exc.code)


def _open(path: Path, filename: str, sheet: str | None) -> Table:
    """The sheet to import, or ImportRejected saying why the file cannot be read."""
    if not path.is_file():
        raise ImportRejected(_("No such file: %(name)s.") % {"name": filename}, code="no_file")
    try:  # the guard first; a costly workbook is read in a memory-limited child, never here
        return open_import_table(
            path,
            filename=filename,
            sheet=sheet,
            max_bytes=settings.CORRIDOR_IMPORT_MAX_BYTES,
            limits=Limits(**settings.CORRIDOR_IMPORT_LIMITS),
            memory_limit_mb=settings.CORRIDOR_IMPORT_MEMORY_LIMIT_MB,
        )
    except TableError as exc:
        raise _rejected(exc) from exc


def _columns(table: Table) -> tuple[Layout, dict[int, str]]:
    """The header and which column holds which field; the target enterprise column is required."""
    layout = detect_layout(table.head(HEAD_ROWS), PROJECT_FIELDS)
    mapping = auto_map(layout, PROJECT_FIELDS)
    if not set(TARGET_FIELDS) & set(mapping.values()):
        raise ImportRejected(
            _(
                "The file has no column for the target enterprise: add 统一社会信用代码 "
                "(or 企业名称 when there is no code)."
            ),
            code="no_key_column",
        )
    return layout, mapping


# --- cells --------------------------------------------------------------------------------------


def _text(raw: Any, max_length: int | None) -> str | None:
    """Clean text (control and bidi characters removed); Excel errors and formulas refused."""
    if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
        raise CellError("formula", raw.strip(), {"value": raw.strip()})
    text = clean_text(raw, max_length)
    if text is not None and text.startswith(FORMULA_SIGNS):
        raise CellError(
            "formula_text",
            _(
                "'%(value)s' starts like a spreadsheet formula (%(sign)s); formulas are not imported."
            )
            % {"value": shown(text), "sign": text[0]},
            {"value": raw_text(text)},
        )
    return text


def _uscc(raw: Any) -> str | None:
    """A USCC, upper-case and half-width; a failed checksum is left to the registry lookup."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not (isinstance(raw, int) and len(str(raw)) == 18):
            raise CellError("uscc_number", str(raw), {"value": raw_text(raw)})
        raw = str(raw)
    text = _text(raw, 40)
    if text is None:
        return None
    result = check_uscc(text)
    if result.error:
        raise CellError(
            "uscc_invalid",
            _("USCC '%(value)s' %(problem)s.")
            % {"value": shown(text), "problem": uscc_text(result)},
            {"value": raw_text(text)},
        )
    return result.code


def _money(raw: Any, parse: Callable[[Any], Decimal | None]) -> Decimal | None:
    """An amount in 万元 (the column's or the cell's unit applied), to the cent."""
    return _bounded(parse(raw), MONEY_LIMIT, raw)


def _bounded(value: Decimal | None, limit: Decimal, raw: Any) -> Decimal | None:
    """A decimal within its column's range, to two places."""
    if value is None:
        return None
    if value < 0:
        raise CellError("negative", str(raw), {"value": raw_text(raw)})
    if value >= limit:
        raise CellError(
            "out_of_range", str(raw), {"value": raw_text(raw), "max": str(limit - CENT)}
        )
    return value.quantize(CENT)


def _count(raw: Any) -> int | None:
    """A whole, non-negative number (120, 1,200, 120人)."""
    value = parse_int(raw)
    if value is not None and value < 0:
        raise CellError("negative", str(raw), {"value": raw_text(raw)})
    if value is not None and value > INT_MAX:
        raise CellError("out_of_range", str(raw), {"value": raw_text(raw), "max": str(INT_MAX)})
    return value


def _land(raw: Any) -> Decimal | None:
    """Land in 亩: a plain number, '50亩' too."""
    value = _MU_SUFFIX.sub("", raw.strip()) if isinstance(raw, str) else raw
    return _bounded(parse_decimal(value), LAND_LIMIT, raw)


def _floor(raw: Any) -> int | None:
    """Floor space in m²: '12,000', '12000平方米', '12000㎡'."""
    return _count(_AREA_SUFFIX.sub("", raw.strip()) if isinstance(raw, str) else raw)


def _date(raw: Any) -> Any:
    """A date; 2025年3月 is the first of the month, 2025 the first of January."""
    value = parse_date(raw)
    return None if value is None else value.value


def _spelling(text: str) -> str:
    """How a stage, reason or channel is compared: half-width, lower-case, single spaces."""
    return " ".join(to_halfwidth(text).lower().split())


def _index(items: Iterable[tuple[Iterable[str], T]]) -> dict[str, T]:
    """Spelling -> value, for every name of every item."""
    out: dict[str, T] = {}
    for names, value in items:
        for name in names:
            if name:
                out.setdefault(_spelling(name), value)
    return out


class Vocabulary:
    """Stages, lost reasons, channels, nodes and owners as files spell them, read once per import."""

    def __init__(self) -> None:
        self.stages = selectors.stages()
        self.lead = self.stages[0]
        self.path = [s for s in self.stages if s.kind in (StageKind.OPEN, StageKind.WON)]
        self.stage_by = _index(((s.key, s.name_zh, s.name_en), s) for s in self.stages)
        reasons = list(selectors.lost_reasons())
        self.reasons = reasons
        self.reason_by = _index(((r.key, r.name_zh, r.name_en), r) for r in reasons)
        self.channels = services.channels()
        self.channel_by = _index(((k, zh, en), k) for k, zh, en in self.channels)
        self.nodes = node_index()
        names: dict[str, list[str]] = {}
        for node in self.nodes.values():
            names.setdefault(_spelling(node.name_zh), []).append(node.id)
        self.node_by_name = {k: ids[0] for k, ids in names.items() if len(ids) == 1}
        self.users: dict[str, User | None] = {}

    def steps_to(self, stage: Stage) -> list[Stage]:
        """The moves from 线索 to a stage: each stage in order, or one move to 暂缓/流失."""
        if stage.kind in (StageKind.ON_HOLD, StageKind.LOST):
            return [stage]
        return [s for s in self.path if self.lead.order < s.order <= stage.order]

    def names(self, items: Iterable[tuple[str, str]]) -> str:
        """Accepted names in the active language, for a message."""
        zh = (get_language() or "zh-hans").startswith("zh")
        return ", ".join(z if zh else e for z, e in items)

    def stage(self, raw: Any) -> Stage | None:
        """A stage by key, Chinese or English name."""
        return self._choose(
            raw,
            self.stage_by,
            "stage_unknown",
            _("'%(value)s' is not a pipeline stage; use one of: %(accepted)s."),
            ((s.name_zh, s.name_en) for s in self.stages),
        )

    def lost_reason(self, raw: Any) -> LostReason | None:
        """A lost reason by key, Chinese or English name."""
        return self._choose(
            raw,
            self.reason_by,
            "lost_reason_unknown",
            _("'%(value)s' is not a lost reason; use one of: %(accepted)s."),
            ((r.name_zh, r.name_en) for r in self.reasons),
        )

    def channel(self, raw: Any) -> str | None:
        """A source channel's key, by key, Chinese or English name."""
        return self._choose(
            raw,
            self.channel_by,
            "channel_unknown",
            _("'%(value)s' is not a source channel; use one of: %(accepted)s."),
            ((zh, en) for _k, zh, en in self.channels),
        )

    def _choose(
        self,
        raw: Any,
        index: dict[str, T],
        code: str,
        message: str,
        names: Iterable[tuple[str, str]],
    ) -> T | None:
        text = _text(raw, 80)
        if text is None:
            return None
        found = index.get(_spelling(text))
        if found is None:
            raise CellError(
                code,
                message % {"value": shown(text), "accepted": self.names(names)},
                {"value": raw_text(text)},
            )
        return found

    def node(self, raw: Any) -> str | None:
        """A node id of the current atlas (its unique Chinese name is accepted too)."""
        text = _text(raw, 80)
        if text is None:
            return None
        node_id = (
            text.lower() if text.lower() in self.nodes else self.node_by_name.get(_spelling(text))
        )
        if node_id is None:
            example = next(iter(self.nodes), "nev.battery")
            raise CellError(
                "node_unknown",
                _("'%(value)s' is not a node of the atlas; use a node id such as %(example)s.")
                % {"value": shown(text), "example": example},
                {"value": raw_text(text)},
            )
        return node_id

    def owner(self, raw: Any) -> User | None:
        """An active user allowed to manage the pipeline, by username."""
        name = _text(raw, 150)
        if name is None:
            return None
        if name not in self.users:
            self.users[name] = User.objects.filter(username=name, is_active=True).first()
        user = self.users[name]
        if user is None:
            raise CellError(
                "owner_unknown",
                _("There is no active user named '%(value)s'.") % {"value": shown(name)},
                {"value": raw_text(name)},
            )
        if not user.has_perm(MANAGE):
            raise CellError(
                "owner_not_allowed",
                _("%(value)s may not manage the pipeline, so cannot own a project.")
                % {"value": shown(name)},
                {"value": raw_text(name)},
            )
        return user

    def parser(self, f: ImportField, unit: Decimal | None) -> Callable[[Any], Any]:
        """The parse function of one column (its money unit bound in)."""
        if f.kind == "money":
            return partial(_money, parse=make_money_parser(unit or ONE, non_negative=True))
        if f.kind == "text":
            return partial(_text, max_length=f.max_length)
        kinds: dict[str, Callable[[Any], Any]] = {
            "uscc": _uscc,
            "int": _count,
            "mu": _land,
            "m2": _floor,
            "date": _date,
            "stage": self.stage,
            "lost_reason": self.lost_reason,
            "channel": self.channel,
            "node": self.node,
            "user": self.owner,
        }
        return kinds[f.kind]


# --- rows ---------------------------------------------------------------------------------------


def _has_error(issues: list[Issue]) -> bool:
    return any(i.severity == ERROR for i in issues)


class RowImporter:
    """Turns each data row into a project at its stage, or issues saying why it cannot be."""

    def __init__(self, user: User, layout: Layout, mapping: dict[int, str], report: ImportReport):
        self.user, self.report = user, report
        self.vocab = Vocabulary()
        self.labels = {name: _column_label(layout, idx) for idx, name in mapping.items()}
        report.columns = dict(self.labels)
        self.parsers = [
            (idx, FIELDS_BY_NAME[name], self.vocab.parser(FIELDS_BY_NAME[name], _unit(layout, idx)))
            for idx, name in sorted(mapping.items())
        ]
        self.seen: dict[int, int] = {}  # enterprise id -> first row naming it
        report.issues.extend(_column_notes(layout, mapping))

    def label(self, name: str) -> str:
        """The column's header in the file, or the field's name when the file has no such column."""
        return self.labels.get(name) or field_label(FIELDS_BY_NAME[name])

    def add(self, number: int, cells: list[Any]) -> None:
        """Import one data row (blank rows are ignored)."""
        values, raws, issues = self._parse(number, cells)
        if not values and not issues:
            return
        report = self.report
        report.rows += 1
        if "target_uscc" not in raws and _is_totals(cells):
            report.skipped += 1
            label = next(c for c in cells if isinstance(c, str) and _is_totals([c]))
            report.issues.append(
                Issue(number, "", raw_text(label), "totals_row", _totals_text(label), SKIPPED)
            )
            return
        target = self._target(number, values, issues)
        if target is not None:
            self._check_repeat(number, target, issues)
        if "lost_reason" in values and getattr(values.get("stage"), "kind", "") != StageKind.LOST:
            issues.append(self._ignored_reason(number, raws))
        if not _has_error(issues):
            self._apply(number, target, values, raws, issues)
        if _has_error(issues):
            report.failed += 1
        report.issues.extend(issues)

    def _parse(self, number: int, cells: list[Any]) -> tuple[dict, dict, list[Issue]]:
        """Clean values by field, the raw cells by field, and the cells' problems."""
        values: dict[str, Any] = {}
        raws: dict[str, Any] = {}
        issues: list[Issue] = []
        for idx, f, parse in self.parsers:
            raw = cells[idx] if idx < len(cells) else None
            if raw is None or raw == "":
                continue
            try:
                value = parse(raw)
            except CellError as exc:
                issues.append(
                    Issue(
                        number,
                        self.label(f.name),
                        raw_text(raw),
                        exc.code,
                        issue_text(exc.code, exc.params, exc.message),
                        ERROR,
                        exc.params,
                    )
                )
                raws[f.name] = raw
                continue
            if value is not None:
                values[f.name], raws[f.name] = value, raw
        return values, raws, issues

    def _target(self, number: int, values: dict, issues: list[Issue]) -> Enterprise | None:
        """The registry record the row is about: by USCC, else by exact name."""
        uscc, name = values.get("target_uscc"), values.get("target_name")
        column = self._target_column()
        if uscc is None and name is None:
            if not any(i.column in {self.labels.get(n) for n in TARGET_FIELDS} for i in issues):
                message = _(
                    "The target enterprise is missing: fill in 统一社会信用代码 or 企业名称."
                )
                issues.append(Issue(number, self.label(column), "", "required", message))
            return None
        if uscc is not None:
            return self._by_uscc(number, uscc, name, issues)
        return self._by_name(number, str(name), issues)

    def _by_uscc(
        self, number: int, uscc: str, name: str | None, issues: list[Issue]
    ) -> Enterprise | None:
        target = registry_selectors.find_enterprise(uscc)
        if target is None:
            message = _(
                "No enterprise with USCC %(uscc)s is in the registry; add it to the registry first."
            ) % {"uscc": uscc}
            hint = uscc_text(check_uscc(uscc))
            if hint:
                message += " " + _("(The code may be mistyped: %(hint)s.)") % {"hint": hint}
            issues.append(Issue(number, self.label("target_uscc"), uscc, "target_unknown", message))
            return None
        if name is not None and name != target.name:
            message = _(
                "The registry calls %(uscc)s “%(registry)s”, not “%(file)s”; using the USCC."
            )
            issues.append(
                Issue(
                    number,
                    self.label("target_name"),
                    raw_text(name),
                    "target_name_differs",
                    message % {"uscc": uscc, "registry": target.name, "file": shown(name)},
                    WARNING,
                )
            )
        return target

    def _by_name(self, number: int, name: str, issues: list[Issue]) -> Enterprise | None:
        # Registry names are written with half- or full-width brackets; either spelling matches.
        spellings = {name, name.replace("(", "（").replace(")", "）"), to_halfwidth(name)}
        found = list(Enterprise.objects.filter(name__in=spellings).order_by("pk")[:2])
        if len(found) == 1:
            return found[0]
        if found:
            message = _(
                "Several registry records are named “%(name)s”; give the 统一社会信用代码 instead."
            )
        else:
            message = _(
                "No enterprise named “%(name)s” is in the registry; check the name or give its USCC."
            )
        code = "target_ambiguous" if found else "target_unknown"
        column = self.label("target_name")
        issues.append(Issue(number, column, raw_text(name), code, message % {"name": shown(name)}))
        return None

    def _check_repeat(self, number: int, target: Enterprise, issues: list[Issue]) -> None:
        """One row per enterprise: a later row for the same enterprise is an error."""
        first = self.seen.setdefault(target.pk, number)
        if first != number:
            column = self._target_column()
            message = _(
                "%(name)s already appears in row %(row)d; an enterprise can have only one open "
                "project, so keep one row per enterprise."
            ) % {"name": target.name, "row": first}
            value = target.uscc or target.name
            issues.append(Issue(number, self.label(column), value, "duplicate_target", message))

    def _ignored_reason(self, number: int, raws: dict) -> Issue:
        message = _("A lost reason is only used when the stage is 流失; ignored.")
        value = raw_text(raws["lost_reason"])
        return Issue(
            number, self.label("lost_reason"), value, "lost_reason_ignored", message, WARNING
        )

    def _apply(
        self, number: int, target: Any, values: dict, raws: dict, issues: list[Issue]
    ) -> None:
        """Create and walk the project in a savepoint: a failing row leaves nothing behind."""
        try:
            with transaction.atomic():
                project, steps = self._create(number, target, values)
        except (DomainError, DataError) as exc:
            issues.append(self._service_issue(number, raws, exc))
            return
        self.report.created += 1
        self.report.moved += steps > 0
        self.report.project_ids.append(project.pk)

    def _create(self, number: int, target: Enterprise, values: dict) -> tuple[Project, int]:
        """create_project, then move_stage through each stage up to the row's stage."""
        data = {k: values[k] for k in PROJECT_DATA if k in values}
        if "project_name" in values:
            data["name"] = values["project_name"]
        if "node" in values:
            data["chain"] = self.vocab.nodes[values["node"]].chain
        project = services.create_project(target, values.get("owner") or self.user, data)
        where = {"file": self.report.filename, "row": number}
        note = f"{self.report.filename} 第{number}行"  # stored text: in the working language
        record_audit(
            self.user, AuditAction.IMPORT, project, None, where, source="import", note=note
        )
        stage, text = values.get("stage") or self.vocab.lead, values.get("note", "")
        steps = self.vocab.steps_to(stage)
        for pos, step in enumerate(steps):
            last = pos == len(steps) - 1
            reason = values.get("lost_reason") if last else None
            try:
                services.move_stage(project, step, self.user, text if last else "", reason)
            except ValidationFailed as exc:
                raise _with_later_needs(exc, project, steps[pos + 1 :], text, values) from None
        if text and not steps:  # a 线索 row's note is kept as a note on the project
            services.add_activity(project, "note", text, self.user)
        return project, len(steps)

    def _service_issue(self, number: int, raws: dict, exc: Exception) -> Issue:
        """A refusal by the pipeline services, placed on the column it is about."""
        if isinstance(exc, DomainError):
            details, message = exc.details, exc.message
            code = str(details.get("code") or exc.code)
        else:
            details, code = {}, "not_saved"
            message = _("The row could not be saved: %(error)s") % {"error": str(exc)[:200]}
        name = str(details.get("field") or "")
        name = "project_name" if name == "name" else name
        if name not in FIELDS_BY_NAME:  # the target, or a refusal about the project as a whole
            name = self._target_column()
        value = raw_text(raws.get(name, details.get("value", "")))
        params = {k: str(v)[:200] for k, v in details.items()}
        return Issue(number, self.label(name), value, code, message, ERROR, params)

    def _target_column(self) -> str:
        """The field naming the target in this file: the USCC when there is such a column."""
        return "target_uscc" if "target_uscc" in self.labels else "target_name"


def _with_later_needs(
    exc: ValidationFailed, project: Project, later: list[Stage], note: str, values: dict
) -> ValidationFailed:
    """The refusal of one stage move, plus what the stages after it would still need, so a row
    is fixed in one go rather than one stage per attempt."""
    if exc.details.get("code") != "stage_requirements" or not later:
        return exc
    needs: list[str] = []
    for pos, stage in enumerate(later):
        last = pos == len(later) - 1
        reason = values.get("lost_reason") if last else None
        for need in services.missing_requirements(project, stage, note if last else "", reason):
            if need not in needs:
                needs.append(need)
    if not needs:
        return exc
    more = _("To reach %(stage)s it also needs: %(missing)s.") % {
        "stage": later[-1].name(get_language() or "zh-hans"),
        "missing": "；".join(needs),
    }
    return ValidationFailed(f"{exc.message} {more}", **exc.details)


def _column_label(layout: Layout, idx: int) -> str:
    labels = layout.labels
    return labels[idx] if idx < len(labels) and labels[idx] else _("column %(n)d") % {"n": idx + 1}


def _unit(layout: Layout, idx: int) -> Decimal | None:
    return layout.units[idx] if idx < len(layout.units) else None


def _column_notes(layout: Layout, mapping: dict[int, str]) -> list[Issue]:
    """Warnings on the header row: columns that were not recognised or lost to another column."""
    row = layout.header_row_numbers[-1]
    used = {name: idx for idx, name in mapping.items()}
    ignored = {idx: name for idx, _label, name in layout.ignored_columns}
    notes = []
    for idx, label in enumerate(layout.labels):
        if not label or idx in mapping:
            continue
        if idx in ignored:
            message = _(
                "Column '%(label)s' also looks like %(field)s; ignored, using column '%(used)s'."
            ) % {
                "label": shown(label),
                "field": field_label(FIELDS_BY_NAME[ignored[idx]]),
                "used": shown(layout.labels[used[ignored[idx]]]),
            }
            code = "column_ignored"
        else:
            message = _("Column '%(label)s' is not a project column; ignored.") % {
                "label": shown(label)
            }
            code = "column_unknown"
        notes.append(Issue(row, label[:120], "", code, message, WARNING))
    return notes


def _is_totals(cells: list[Any]) -> bool:
    """A totals row (合计, 总计, 小计, Total) at the foot of the table."""
    return any(
        isinstance(c, str) and len(c) <= 24 and _TOTALS.fullmatch("".join(c.split())) for c in cells
    )


def _totals_text(label: str) -> str:
    return issue_text("totals_row", {"label": label}, f"Totals row ('{label}'); skipped.")


# --- the template -------------------------------------------------------------------------------

_UNITS = {"money": "（万元）", "mu": "（亩）", "m2": "（平方米）"}


def template_headers() -> list[str]:
    """The template's column headers (Chinese, with units), in order."""
    return [f.label_zh + _UNITS.get(f.kind, "") for f in PROJECT_FIELDS]


def _explanations(vocab: Vocabulary) -> dict[str, str]:
    """What to write in each column, in the active language."""
    stages = vocab.names((s.name_zh, s.name_en) for s in vocab.stages)
    reasons = vocab.names((r.name_zh, r.name_en) for r in vocab.reasons)
    channels = vocab.names((zh, en) for _k, zh, en in vocab.channels)
    money = _(
        "In 万元; write 亿元 or 元 in the header or in a cell for another unit; 1,234.5 is read."
    )
    dates = _("A date such as 2025-03-05, 2025/3/5, 2025年3月5日, or 2025年3月 (read as the 1st).")
    return {
        "target_uscc": _(
            "Required (or 企业名称): the 18-character code of an enterprise in the registry."
        ),
        "target_name": _("The exact registry name, used only when there is no USCC."),
        "project_name": _("Optional; by default “<enterprise> project”."),
        "node": _("A node id of the atlas, e.g. %(example)s (see the sheet of nodes).")
        % {"example": next(iter(vocab.nodes), "nev.battery")},
        "stage": _("Empty means 线索. One of: %(stages)s.") % {"stages": stages},
        "investment_amount": money,
        "expected_output": money,
        "expected_tax": money,
        "expected_jobs": _("A whole number."),
        "land_mu": _("In 亩."),
        "floor_space_m2": _("In square metres."),
        "source_channel": _("One of: %(channels)s.") % {"channels": channels},
        "owner": _("A username allowed to manage the pipeline; empty means the importing user."),
        "next_step": _("Free text, at most 200 characters."),
        "landed_uscc": _("USCC of the entity registered in the district (needed for 注册落地)."),
        "lost_reason": _("Required when the stage is 流失. One of: %(reasons)s.")
        % {"reasons": reasons},
        "note": _("Required for 暂缓 (the reason); otherwise kept with the last stage change."),
    } | {f.name: dates for f in PROJECT_FIELDS if f.kind == "date"}


def projects_template_xlsx() -> tempfile.SpooledTemporaryFile:
    """A blank project workbook: Chinese headers, a sheet of instructions and one of atlas nodes."""
    vocab = Vocabulary()
    out = tempfile.SpooledTemporaryFile(max_size=1 << 20)
    book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    text_format, date_format = (
        book.add_format({"num_format": "@"}),
        book.add_format({"num_format": "yyyy-mm-dd"}),
    )
    sheet = book.add_worksheet("项目")
    for col, (f, header) in enumerate(zip(PROJECT_FIELDS, template_headers(), strict=True)):
        sheet.write_string(0, col, header, bold)
        fmt = text_format if f.kind in ("uscc", "text", "user") else None
        fmt = date_format if f.kind == "date" else fmt
        sheet.set_column(col, col, max(12, len(header) * 2 + 2), fmt)
    sheet.freeze_panes(1, 0)
    _instructions(book, bold, vocab)
    nodes = book.add_worksheet("产业链环节")
    for row, values in enumerate(
        [["id", "chain", "名称", "name"]]
        + [[n.id, n.chain, n.name_zh, n.name_en] for n in vocab.nodes.values()]
    ):
        for col, value in enumerate(values):
            nodes.write_string(row, col, value, bold if row == 0 else None)
    book.close()
    out.seek(0)
    return out


def _instructions(book: Any, bold: Any, vocab: Vocabulary) -> None:
    """The instructions sheet: each column, then what each stage needs before a project enters it."""
    sheet = book.add_worksheet("填写说明")
    for col, width in enumerate((26, 28, 100)):
        sheet.set_column(col, col, width)
    explained = _explanations(vocab)
    rows: list[tuple[list[str], bool]] = [([_("Column"), _("Field"), _("What to write")], True)]
    for f, header in zip(PROJECT_FIELDS, template_headers(), strict=True):
        rows.append(([header, f.label_en, explained.get(f.name, "")], False))
    rows.append(([_("Pipeline stage"), "", _("Needed before a project enters the stage")], True))
    for stage in vocab.stages:
        needs = services.missing_requirements(Project(), stage)
        rows.append(([stage.name_zh, stage.name_en, "；".join(needs) or "—"], False))
    rows.append(([_("What an import cannot do"), "", limits_text()], True))
    line = 0
    for values, is_header in rows:
        line += 1 if is_header and line else 0  # a blank line before each section
        for col, value in enumerate(values):
            sheet.write_string(line, col, value, bold if is_header else None)
        line += 1


def limits_text() -> str:
    """What an import cannot do, for the instructions sheet and the page."""
    return _(
        "Each row becomes a project at 线索 and is moved stage by stage to its stage with the same "
        "rules as the board. An import cannot attach documents, so a row at 签约 or a later stage "
        "fails (签约 needs a signed agreement attached): import it at 洽谈, attach the agreement "
        "on the project page, then move it on the board."
    )
