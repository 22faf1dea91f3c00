"""Investment projects at the intake wing's seam: each row becomes a project walked to its stage.

Each row opens a project with services.create_project (one open project per enterprise) and walks it
to its stage with services.move_stage through the ordered stages, so an import meets exactly the
entry requirements of the board and the API. The columns are data (data/columns.yaml); the engine
reads the file and the cells; this module adds the vocabularies (stages, lost reasons, channels,
atlas nodes, users) and the row rules. Parsing needs the vocabularies from the database, so it runs
in-process (child_safe=False; core.reading still guards hostile workbooks), and validation writes
each row and rolls everything back (validate_by_writing), so the services judge every row.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import IO, TYPE_CHECKING, Any, TypeVar

import xlsxwriter
from django.conf import settings
from django.contrib.auth.models import User
from django.db import DataError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
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
from corridor.engine.sheets.rows import CleanRow, is_totals_label, parse_uscc_cell
from corridor.engine.sheets.tabular import Layout, TableError, auto_map, detect_layout
from corridor.engine.uscc import check_uscc
from corridor.errors import DomainError, PermissionDenied, ValidationFailed
from corridor.imports.models import ImportBatch
from corridor.imports.seam import (
    CHUNK_ROWS,
    HEAD_ROWS,
    Chunk,
    EditedRecord,
    Importer,
    ReadJob,
    RecordLink,
    WriteResult,
)
from corridor.investment import permissions as perms
from corridor.investment import selectors, services
from corridor.investment.columns import FIELDS_BY_NAME, PROJECT_FIELDS, TARGET_FIELDS
from corridor.investment.models import Activity, LostReason, Project, Stage, StageChange, StageKind
from corridor.registry import selectors as registry_selectors

if TYPE_CHECKING:
    from corridor.registry.models import Enterprise

MANAGE = perms.MANAGE_PIPELINE
ONE, CENT = Decimal(1), Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 14  # DecimalField(max_digits=16, decimal_places=2)
LAND_LIMIT = Decimal(10) ** 8  # DecimalField(max_digits=10, decimal_places=2)
INT_MAX = 2_147_483_647
_AREA_SUFFIX = re.compile(r"\s*(?:平方米|平米|㎡|m²|m2|sqm)$", re.IGNORECASE)
_MU_SUFFIX = re.compile(r"\s*亩$")
# Columns that go to create_project as they are (the rest are resolved or used for the stage walk).
PROJECT_DATA = tuple(k for k in services.EDITABLE if k in FIELDS_BY_NAME)

T = TypeVar("T")


def field_label(f: ImportField) -> str:
    """A field's name in the active language."""
    return f.label(get_language() or "zh-hans")


# --- cells --------------------------------------------------------------------------------------


def _text(raw: Any, max_length: int | None) -> str | None:
    """Clean text (control and bidi characters removed); an Excel error value is refused.

    Text that starts like a formula (= + @) is kept, as the registry keeps it: every export
    neutralises it (corridor.core.xlsx.write_row), so it never runs in a spreadsheet.
    """
    if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
        raise CellError("formula", raw.strip(), {"value": raw.strip()})
    return clean_text(raw, max_length)


def _uscc(raw: Any) -> str | None:
    """A USCC by the engine's one rule (corridor.engine.sheets.rows.parse_uscc_cell)."""
    return parse_uscc_cell(raw)


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
        """The parse function of one column: by its lookup, then by its kind and unit."""
        lookups: dict[str, Callable[[Any], Any]] = {
            "stage": self.stage,
            "lost_reason": self.lost_reason,
            "channel": self.channel,
            "node": self.node,
            "user": self.owner,
        }
        if f.lookup:
            return lookups[f.lookup]
        if f.kind == "money":
            return partial(_money, parse=make_money_parser(unit or ONE, non_negative=True))
        if f.kind == "text":
            return partial(_text, max_length=f.max_length)
        if f.kind == "decimal" and f.unit == "亩":
            return _land
        if f.kind == "int":
            return _floor if f.unit == "平方米" else _count
        kinds: dict[str, Callable[[Any], Any]] = {"uscc": _uscc, "date": _date}
        return kinds[f.kind]


# --- reading ------------------------------------------------------------------------------------


@dataclass
class ProjectRow:
    """One data row of the file, parsed: its cleaned values, the raw cells and the cells' problems."""

    number: int
    values: dict[str, Any]
    raws: dict[str, Any]
    issues: list[Issue]
    cells: list[Any]
    labels: dict[str, str]  # field name -> the file's header (shared by every row of the file)
    held: bool = False  # a USCC failing only its checksum, not confirmed: reported, not written

    def label(self, name: str) -> str:
        """The column's header in the file, or the field's name when the file has no such column."""
        return self.labels.get(name) or field_label(FIELDS_BY_NAME[name])


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
        if idx in ignored and ignored[idx] in used:
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


class _RowParser:
    """Cleans each data row's cells with its column's parser."""

    def __init__(self, layout: Layout, mapping: dict[int, str], accept_warnings: bool) -> None:
        self.vocab = Vocabulary()
        self.accept_warnings = accept_warnings
        self.labels = {name: _column_label(layout, idx) for idx, name in mapping.items()}
        self.parsers = [
            (idx, FIELDS_BY_NAME[name], self.vocab.parser(FIELDS_BY_NAME[name], _unit(layout, idx)))
            for idx, name in sorted(mapping.items())
        ]

    def parse(self, number: int, cells: list[Any]) -> ProjectRow | None:
        """The parsed row, or None for a blank one."""
        values: dict[str, Any] = {}
        raws: dict[str, Any] = {}
        issues: list[Issue] = []
        held = False
        for idx, f, parse in self.parsers:
            raw = cells[idx] if idx < len(cells) else None
            if raw is None or raw == "":
                continue
            try:
                value = parse(raw)
            except CellError as exc:
                severity = ERROR
                if (
                    exc.code == "uscc_checksum"
                ):  # as in the registry: a warning, held unless accepted
                    severity, values[f.name] = WARNING, exc.params["normalised"]
                    held = held or not self.accept_warnings
                issues.append(
                    Issue(
                        number,
                        self.labels[f.name],
                        raw_text(raw),
                        exc.code,
                        issue_text(exc.code, exc.params, exc.message),
                        severity,
                        exc.params,
                    )
                )
                raws[f.name] = raw
                continue
            if value is not None:
                values[f.name], raws[f.name] = value, raw
        if not values and not issues:
            return None
        return ProjectRow(number, values, raws, issues, list(cells), self.labels, held)


def parse_projects(job: ReadJob) -> Iterator[Chunk]:
    """The file's data rows, parsed, in chunks; the header's column notes in the first chunk."""
    table = open_import_table(
        job.path,
        filename=job.filename,
        sheet=job.sheet,
        max_bytes=job.max_bytes,
        limits=job.limits,
        memory_limit_mb=settings.CORRIDOR_IMPORT_MEMORY_LIMIT_MB,
    )
    layout = detect_layout(table.head(HEAD_ROWS), PROJECT_FIELDS)
    mapping = job.mapping if job.mapping is not None else auto_map(layout, PROJECT_FIELDS)
    if not set(TARGET_FIELDS) & set(mapping.values()):
        raise TableError(
            "no_key_column",
            _(
                "The file has no column for the target enterprise: add 统一社会信用代码 "
                "(or 企业名称 when there is no code)."
            ),
        )
    rows = _RowParser(layout, mapping, job.options.accept_warnings)
    notices = _column_notes(layout, mapping)
    header = list(layout.header_row_numbers)
    records: list[ProjectRow] = []
    for number, cells in table.rows():
        if number < layout.data_start_row:
            continue
        row = rows.parse(number, cells)
        if row is not None:
            records.append(row)
        if len(records) >= CHUNK_ROWS:
            yield Chunk(len(records), [], records, header, notices)
            records, notices = [], []
    if records or notices:
        yield Chunk(len(records), [], records, header, notices)


# --- writing ------------------------------------------------------------------------------------


def _has_error(issues: list[Issue]) -> bool:
    return any(i.severity == ERROR for i in issues)


def _totals_label(row: ProjectRow) -> str | None:
    """The label of a totals row (合计, 本页合计, Total) — never on a row naming a valid USCC.

    The label may stand in any column, the USCC's too (where it is no code at all)."""
    if "target_uscc" in row.values:
        return None
    return next((c for c in row.cells if isinstance(c, str) and is_totals_label(c)), None)


class ProjectWriter:
    """Turns each parsed row into a project at its stage, or issues saying why it cannot be."""

    def __init__(self, batch: ImportBatch, actor: User) -> None:
        self.batch, self.user = batch, actor
        self.vocab = Vocabulary()
        self.seen: dict[int, int] = {}  # enterprise id -> first row naming it
        self.created = self.moved = 0

    def write(self, records: list[ProjectRow]) -> list[tuple[bool, list[Issue]]]:
        reports: list[tuple[bool, list[Issue]]] = []
        for row in records:
            label = _totals_label(row)
            if label is not None:
                message = issue_text("totals_row", {"label": label}, f"Totals row ('{label}').")
                issue = Issue(row.number, "", raw_text(label), "totals_row", message, SKIPPED)
                reports.append((True, [issue]))
                continue
            if row.held:  # counted and shown as a warning to confirm; nothing is written
                reports.append((False, list(row.issues)))
                continue
            issues = self._add(row)
            if issues:
                reports.append((False, issues))
        return reports

    def finish(self) -> WriteResult:
        return WriteResult(created=self.created, updated=0, details=self.moved)

    def _add(self, row: ProjectRow) -> list[Issue]:
        """Import one row; its issues (a row with only warnings is imported)."""
        issues = list(row.issues)
        values = row.values
        target = self._target(row, issues)
        if target is not None:
            self._check_repeat(row, target, issues)
        if "lost_reason" in values and getattr(values.get("stage"), "kind", "") != StageKind.LOST:
            message = _("A lost reason is only used when the stage is lost; ignored.")
            value = raw_text(row.raws["lost_reason"])
            issues.append(
                Issue(
                    row.number,
                    row.label("lost_reason"),
                    value,
                    "lost_reason_ignored",
                    message,
                    WARNING,
                )
            )
        if not _has_error(issues) and target is not None:
            self._apply(row, target, issues)
        return issues

    def _target(self, row: ProjectRow, issues: list[Issue]) -> Enterprise | None:
        """The registry record the row is about: by USCC, else by exact name."""
        uscc, name = row.values.get("target_uscc"), row.values.get("target_name")
        if uscc is None and name is None:
            if not any(i.column in {row.labels.get(n) for n in TARGET_FIELDS} for i in issues):
                message = _(
                    "The target enterprise is missing: fill in 统一社会信用代码 or 企业名称."
                )
                column = row.label(_target_column(row))
                issues.append(Issue(row.number, column, "", "required", message))
            return None
        if uscc is not None:
            return self._by_uscc(row, uscc, name, issues)
        return self._by_name(row, str(name), issues)

    def _by_uscc(
        self, row: ProjectRow, uscc: str, name: str | None, issues: list[Issue]
    ) -> Enterprise | None:
        target = registry_selectors.find_enterprise(uscc)
        if target is None:
            message = _(
                "No enterprise with USCC %(uscc)s is in the registry; add it to the registry first."
            ) % {"uscc": uscc}
            hint = uscc_text(check_uscc(uscc))
            if hint:
                message += " " + _("(The code may be mistyped: %(hint)s.)") % {"hint": hint}
            column = row.label("target_uscc")
            issues.append(Issue(row.number, column, uscc, "target_unknown", message))
            return None
        if name is not None and name != target.name:
            message = _(
                "The registry calls %(uscc)s “%(registry)s”, not “%(file)s”; using the USCC."
            )
            issues.append(
                Issue(
                    row.number,
                    row.label("target_name"),
                    raw_text(name),
                    "target_name_differs",
                    message % {"uscc": uscc, "registry": target.name, "file": shown(name)},
                    WARNING,
                )
            )
        return target

    def _by_name(self, row: ProjectRow, name: str, issues: list[Issue]) -> Enterprise | None:
        # Registry names are written with half- or full-width brackets; either spelling matches.
        spellings = {name, name.replace("(", "（").replace(")", "）"), to_halfwidth(name)}
        found = registry_selectors.enterprises_named(spellings)
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
        column = row.label("target_name")
        issues.append(
            Issue(row.number, column, raw_text(name), code, message % {"name": shown(name)})
        )
        return None

    def _check_repeat(self, row: ProjectRow, target: Enterprise, issues: list[Issue]) -> None:
        """One row per enterprise: a later row for the same enterprise is an error."""
        first = self.seen.setdefault(target.pk, row.number)
        if first != row.number:
            message = _(
                "%(name)s already appears in row %(row)d; an enterprise can have only one open "
                "project, so keep one row per enterprise."
            ) % {"name": target.name, "row": first}
            value = target.uscc or target.name
            column = row.label(_target_column(row))
            issues.append(Issue(row.number, column, value, "duplicate_target", message))

    def _apply(self, row: ProjectRow, target: Enterprise, issues: list[Issue]) -> None:
        """Create and walk the project in a savepoint: a failing row leaves nothing behind."""
        try:
            with transaction.atomic():
                steps = self._create(row, target)
        except (DomainError, DataError) as exc:
            issues.append(_service_issue(row, exc))
            return
        self.created += 1
        self.moved += steps > 0

    def _create(self, row: ProjectRow, target: Enterprise) -> int:
        """create_project, then move_stage through each stage up to the row's stage."""
        values = row.values
        data = {k: values[k] for k in PROJECT_DATA if k in values}
        if "project_name" in values:
            data["name"] = values["project_name"]
        if "node" in values:
            data["chain"] = self.vocab.nodes[values["node"]].chain
        project = services.create_project(target, values.get("owner") or self.user, data)
        project.created_by_import = self.batch  # the stage moves below save the instance
        Project.all_objects.filter(pk=project.pk).update(created_by_import=self.batch)
        filename = self.batch.filename
        where = {"file": filename, "row": row.number, "import": self.batch.pk}
        note = f"{filename} 第{row.number}行"  # stored text: in the working language
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
        return len(steps)


def _target_column(row: ProjectRow) -> str:
    """The field naming the target in this file: the USCC when there is such a column."""
    return "target_uscc" if "target_uscc" in row.labels else "target_name"


def _service_issue(row: ProjectRow, exc: Exception) -> Issue:
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
        name = _target_column(row)
    value = raw_text(row.raws.get(name, details.get("value", "")))
    params = {k: str(v)[:200] for k, v in details.items()}
    return Issue(row.number, row.label(name), value, code, message, ERROR, params)


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


# --- the importer -------------------------------------------------------------------------------


def limits_text() -> str:
    """What an import cannot do, for the instructions sheet and the page."""
    return _(
        "Each row becomes a project at Lead and is moved stage by stage to its stage with the same "
        "rules as the board. An import cannot attach documents, so a row at Signed or a later stage "
        "fails (Signed needs a signed agreement attached): import it at Negotiation, attach the "
        "agreement on the project page, then move it on the board."
    )


class ProjectImporter(Importer):
    """Investment projects, one per row, opened and walked to their stage by the pipeline services."""

    kind = "projects"
    label = gettext_lazy("Import investment projects")
    description = gettext_lazy(
        "Each row becomes a project at Lead and is moved stage by stage to its stage with the same "
        "rules as the board. An import cannot attach documents, so a row at Signed or a later stage "
        "fails (Signed needs a signed agreement attached): import it at Negotiation, attach the "
        "agreement on the project page, then move it on the board."
    )
    columns = PROJECT_FIELDS
    import_permission = MANAGE
    revert_permission = MANAGE
    parse = staticmethod(parse_projects)
    child_safe = False
    validate_by_writing = True
    records_name = gettext_lazy("projects")
    details_label = gettext_lazy("moved past lead")

    def preview(self, job: ReadJob, limit: int) -> list[CleanRow]:
        """The first rows with the project columns' own parsing (the engine's row rules are the
        registry's); the target and stage rules are judged by validation."""
        rows: list[CleanRow] = []
        try:
            for chunk in parse_projects(job):
                for record in chunk.records[: limit - len(rows)]:
                    skipped = _totals_label(record) is not None
                    rows.append(CleanRow(record.number, record.values, record.issues, skipped))
                if len(rows) >= limit:
                    break
        except TableError:  # e.g. no target column mapped yet: the page asks for the mapping
            return []
        return rows

    def writer(self, batch: ImportBatch, actor: User | None) -> ProjectWriter:
        if actor is None:
            raise ValidationFailed(_("Name the importing user: projects need an owner."))
        if not (actor.is_active and actor.has_perm(MANAGE)):
            raise PermissionDenied(
                _("Importing projects needs the permission to manage the pipeline.")
            )
        return ProjectWriter(batch, actor)

    def _created(self, batch: ImportBatch) -> QuerySet[Project]:
        return Project.objects.filter(created_by_import=batch)

    def _edited(self, batch: ImportBatch) -> QuerySet[Project]:
        """Created projects people changed after the apply: saved, moved or noted since."""
        at = batch.applied_at
        moved = StageChange.objects.filter(at__gt=at).values("project_id")
        noted = Activity.objects.filter(at__gt=at).values("project_id")
        return self._created(batch).filter(Q(updated_at__gt=at) | Q(pk__in=moved) | Q(pk__in=noted))

    def edited_after_count(self, batch: ImportBatch) -> int:
        return self._edited(batch).count() if batch.applied_at else 0

    def edited_after(self, batch: ImportBatch, limit: int = 50) -> list[EditedRecord]:
        if not batch.applied_at:
            return []
        out = []
        for project in self._edited(batch).order_by("-updated_at", "-pk")[:limit]:
            change = project.stage_changes.order_by("-at", "-pk").select_related("by").first()
            moved = change is not None and change.at > batch.applied_at
            out.append(
                EditedRecord(
                    project.name,
                    reverse("investment:project", args=[project.pk]),
                    change.at if moved and change else project.updated_at,
                    change.by.username if moved and change and change.by else "—",
                    _("stage moved") if moved else _("edited"),
                )
            )
        return out

    def record_links(self, batch: ImportBatch, limit: int = 20) -> list[RecordLink]:
        return [
            RecordLink(p.name, reverse("investment:project", args=[p.pk]), True)
            for p in self._created(batch).order_by("pk")[:limit]
        ]

    def records_url(self, batch: ImportBatch) -> str:
        return reverse("investment:list") + f"?import={batch.pk}"

    def revert(self, batch: ImportBatch, actor: User | None) -> int:
        """Soft-delete the projects the import created that still exist: one statement by the
        import's id (no id lists), whatever the size; their history stays for a restore."""
        return Project.objects.filter(created_by_import=batch).update(deleted_at=timezone.now())

    def template(self) -> IO[bytes]:
        return projects_template_xlsx()  # type: ignore[return-value]


# --- the template -------------------------------------------------------------------------------


def template_headers() -> list[str]:
    """The template's column headers (Chinese, with units), in order."""
    return [f.label_zh + (f"（{f.unit}）" if f.unit else "") for f in PROJECT_FIELDS]


def _explanations(vocab: Vocabulary) -> dict[str, str]:
    """What to write in each column, in the active language: the file's help, the vocabularies."""
    stages = vocab.names((s.name_zh, s.name_en) for s in vocab.stages)
    reasons = vocab.names((r.name_zh, r.name_en) for r in vocab.reasons)
    channels = vocab.names((zh, en) for _k, zh, en in vocab.channels)
    language = get_language() or "zh-hans"
    return {f.name: f.help(language) for f in PROJECT_FIELDS if f.help(language)} | {
        "node": _("A node id of the atlas, e.g. %(example)s (see the sheet of nodes).")
        % {"example": next(iter(vocab.nodes), "nev.battery")},
        "stage": _("Empty means lead. One of: %(stages)s.") % {"stages": stages},
        "source_channel": _("One of: %(channels)s.") % {"channels": channels},
        "lost_reason": _("Required when the stage is lost. One of: %(reasons)s.")
        % {"reasons": reasons},
    }


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
        fmt = text_format if f.kind in ("uscc", "text") else None
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
