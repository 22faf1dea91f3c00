"""Imports of enterprise data from XLSX/CSV: upload → inspect → validate → apply → (revert).

The engine (corridor.engine.sheets.tabular/rows) reads and cleans rows; this service maps them onto
the registry, writes them in bulk inside one transaction, records the batch and its issues,
and can revert what an import changed.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts.models import AuditAction
from corridor.accounts.services import record_audit
from corridor.core.issue_text import issue_text
from corridor.core.pipeline import bulk_gc
from corridor.core.reading import Opening, in_reading_child, open_import_table, reads_in_child
from corridor.core.tasks import clear_progress, write_progress
from corridor.engine.sheets.cells import Issue
from corridor.engine.sheets.guard import Limits
from corridor.engine.sheets.rows import CleanRow, RowReader
from corridor.engine.sheets.tabular import Layout, TableError, auto_map, detect_layout
from corridor.errors import Conflict, ImportRejected, ValidationFailed
from corridor.imports.models import ImportBatch, ImportChange, ImportIssue, ImportMode, ImportStatus
from corridor.parks.models import Park
from corridor.registry.bulk import BulkResult, BulkWriter, refresh_latest_facts
from corridor.registry.columns import ENTERPRISE_FIELDS, FIELDS_BY_NAME
from corridor.registry.models import Enterprise, EnterpriseYearFacts
from corridor.registry.parsing import HEAD_ROWS, Chunk, ParseJob, open_reader, parse_chunks

SAMPLE_ROWS = 20


class AbortImport(Exception):
    """Raised inside the apply transaction to roll everything back."""


@dataclass
class Inspection:
    """What the importer sees in a file before anything is applied."""

    sheet_names: list[str]
    sheet: str
    file_format: str
    encoding: str | None
    layout: Layout
    mapping: dict[int, str]
    sample: list[CleanRow]


def progress_key(batch: ImportBatch) -> str:
    return f"import-{batch.pk}"


def _table_error(exc: TableError) -> ImportRejected:
    params = getattr(exc, "params", {})
    return ImportRejected(issue_text(exc.code, params, exc.message), code=exc.code, **params)


# -- upload ------------------------------------------------------------------------------------


def receive_upload(
    stream: IO[bytes],
    filename: str,
    actor: User | None,
    source: str = "web",
    options: dict[str, Any] | None = None,
) -> ImportBatch:
    """Store an uploaded file under var/imports, check it is a readable table, record the batch."""
    directory = Path(settings.CORRIDOR_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f"upload-{timezone.now().timestamp():.6f}.part"
    digest, size = _copy_hashing(stream, tmp)
    stored = directory / f"{digest}{Path(filename).suffix.lower()[:8]}"
    tmp.replace(stored)
    try:  # the guard first; a costly workbook is opened in a memory-limited child, never here
        table = open_import_table(stored, **_opening(filename))
    except TableError as exc:
        stored.unlink(missing_ok=True)
        raise _table_error(exc) from exc
    return ImportBatch.objects.create(
        filename=Path(filename).name[:255] or "upload",
        file_sha256=digest,
        file_size=size,
        stored_path=str(stored),
        sheet=table.sheet,
        uploaded_by=actor,
        source=source,
        options=options or {},
    )


def _opening(filename: str, sheet: str | None = None) -> dict[str, Any]:
    """The reading options from settings: size limit, guard limits, the reading child's memory."""
    return {
        "filename": filename,
        "sheet": sheet,
        "max_bytes": settings.CORRIDOR_IMPORT_MAX_BYTES,
        "limits": import_limits(),
        "memory_limit_mb": settings.CORRIDOR_IMPORT_MEMORY_LIMIT_MB,
    }


def import_limits() -> Limits:
    """The workbook guard's limits, with the overrides in settings.CORRIDOR_IMPORT_LIMITS."""
    return Limits(**getattr(settings, "CORRIDOR_IMPORT_LIMITS", {}))


def _copy_hashing(stream: IO[bytes], target: Path) -> tuple[str, int]:
    """Copy a stream to a file, refusing files over the size limit, returning (sha256, size)."""
    digest, size, limit = hashlib.sha256(), 0, settings.CORRIDOR_IMPORT_MAX_BYTES
    with target.open("wb") as out:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise ImportRejected(
                    _("The file is larger than the %(mb)d MB limit.") % {"mb": limit // (1 << 20)},
                    code="too_large",
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        target.unlink(missing_ok=True)
        raise ImportRejected(_("The file is empty."), code="empty_file")
    return digest.hexdigest(), size


def receive_path(
    path: Path,
    actor: User | None,
    source: str = "cli",
    options: dict[str, Any] | None = None,
    sheet: str | None = None,
) -> ImportBatch:
    """Record an import of a file already on disk (CLI)."""
    with path.open("rb") as stream:
        batch = receive_upload(stream, path.name, actor, source=source, options=options)
    if sheet:
        batch.sheet = sheet
        batch.save(update_fields=["sheet"])
    return batch


# -- inspect -----------------------------------------------------------------------------------


def _open(batch: ImportBatch):  # type: ignore[no-untyped-def]
    try:
        return open_import_table(
            Path(batch.stored_path), **_opening(batch.filename, batch.sheet or None)
        )
    except TableError as exc:
        raise _table_error(exc) from exc


def _saved_mapping(batch: ImportBatch) -> dict[int, str] | None:
    """The user's mapping, if one was saved."""
    return {int(k): v for k, v in batch.mapping.items() if v} if batch.mapping else None


def _layout(table) -> Layout:  # type: ignore[no-untyped-def]
    try:
        return detect_layout(table.head(HEAD_ROWS), ENTERPRISE_FIELDS)
    except TableError as exc:
        raise _table_error(exc) from exc


def current_mapping(batch: ImportBatch, layout: Layout) -> dict[int, str]:
    """The user's mapping if set, else the automatic one."""
    saved = _saved_mapping(batch)
    return saved if saved is not None else auto_map(layout, ENTERPRISE_FIELDS)


def inspect_batch(batch: ImportBatch, sheet: str | None = None) -> Inspection:
    """Detect the header and mapping and clean the first rows for a preview."""
    if sheet is not None and sheet != batch.sheet:
        batch.sheet, batch.mapping = sheet, {}
        batch.save(update_fields=["sheet", "mapping"])
    table = _open(batch)
    layout = _layout(table)
    mapping = current_mapping(batch, layout)
    reader = _reader(table, layout, mapping, batch)
    sample = []
    for row in reader:
        sample.append(row)
        if len(sample) >= SAMPLE_ROWS:
            break
    return Inspection(
        table.sheet_names, table.sheet, table.format, table.encoding, layout, mapping, sample
    )


def set_mapping(batch: ImportBatch, mapping: dict[int, str], options: dict[str, Any]) -> None:
    """Save the user's column mapping and options (money unit, checksum confirmation)."""
    unknown = sorted({v for v in mapping.values() if v and v not in FIELDS_BY_NAME})
    if unknown:
        raise ValidationFailed(_("Unknown target field: %(f)s") % {"f": ", ".join(unknown)})
    targets = [v for v in mapping.values() if v]
    duplicated = sorted({v for v in targets if targets.count(v) > 1})
    if duplicated:
        raise ValidationFailed(
            _("Two columns are mapped to the same field: %(f)s") % {"f": ", ".join(duplicated)}
        )
    batch.mapping = {str(k): v for k, v in mapping.items()}
    batch.options = {**batch.options, **options}
    batch.status = ImportStatus.UPLOADED
    batch.save(update_fields=["mapping", "options", "status"])


def _reader(table, layout: Layout, mapping: dict[int, str], batch: ImportBatch) -> RowReader:  # type: ignore[no-untyped-def]
    return open_reader(table, layout, mapping, _money_unit(batch), _accept_warnings(batch))


def _money_unit(batch: ImportBatch) -> Decimal:
    return Decimal(str(batch.options.get("money_unit", "1")))


def _accept_warnings(batch: ImportBatch) -> bool:
    return bool(batch.options.get("accept_warnings"))


# -- validate and apply -----------------------------------------------------------------------


@dataclass
class PassResult:
    rows_total: int = 0
    rows_valid: int = 0
    rows_error: int = 0
    rows_warning: int = 0
    rows_skipped: int = 0


def _parse_job(batch: ImportBatch, keep_rows: bool) -> ParseJob:
    """What reading the file needs; the parks are looked up here (the reader has no database)."""
    return ParseJob(
        path=batch.stored_path,
        filename=batch.filename,
        sheet=batch.sheet or None,
        max_bytes=settings.CORRIDOR_IMPORT_MAX_BYTES,
        mapping=_saved_mapping(batch),
        money_unit=_money_unit(batch),
        accept_warnings=_accept_warnings(batch),
        parks=dict(Park.objects.values_list("name", "pk")),
        district=settings.CORRIDOR_DISTRICT_COUNTY_CODE,
        keep_rows=keep_rows,
        limits=import_limits(),
    )


@contextlib.contextmanager
def _chunks(batch: ImportBatch, keep_rows: bool = True) -> Iterator[Iterator[Chunk]]:
    """The file's rows in chunks: read in a child process for a large file, here for a small one.

    The same parse_chunks either way (it also finds the header, so a large workbook is loaded
    once, by the child). A child process takes about half a second to start (a fresh interpreter
    and the region table), which pays off only when there is a lot to overlap.
    """
    job = _parse_job(batch, keep_rows)
    source: Iterator[Chunk]
    if _parse_in_child(job):
        opening = Opening(
            job.path, job.filename, memory_limit_mb=settings.CORRIDOR_IMPORT_MEMORY_LIMIT_MB
        )
        source = in_reading_child(parse_chunks, job, opening=opening, name="import parser")
    else:
        source = parse_chunks(job)

    def chunks() -> Iterator[Chunk]:
        for chunk in source:
            batch.header_rows = chunk.header_rows
            yield chunk

    try:
        yield chunks()
    except TableError as exc:  # no header or mapping, or unreadable part-way (encoding, quoting)
        raise _table_error(exc) from exc
    finally:
        source.close()  # type: ignore[attr-defined]  # stops a child process still reading


def _parse_in_child(job: ParseJob) -> bool:
    """A large file, or a workbook the guard finds costly, is parsed in a memory-limited child."""
    if Path(job.path).stat().st_size >= settings.CORRIDOR_IMPORT_CHILD_PROCESS_BYTES:
        return True
    try:
        return reads_in_child(
            Opening(job.path, job.filename, max_bytes=job.max_bytes, limits=job.limits)
        )
    except TableError as exc:
        raise _table_error(exc) from exc


class IssueSink:
    """Counts rows by outcome and stores issues in bulk, up to a cap."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.result = PassResult()
        self.pending: list[ImportIssue] = []
        self.stored = 0
        self.cap = settings.CORRIDOR_IMPORT_MAX_STORED_ISSUES

    def add(self, chunk: Chunk) -> bool:
        """Count a chunk's rows and keep their issues; False when one of its rows has an error."""
        result = self.result
        result.rows_total += chunk.rows_read
        result.rows_valid += chunk.rows_read - len(chunk.reports)  # rows without any issue
        clean = True
        for skipped, issues in chunk.reports:
            if skipped:
                result.rows_skipped += 1
            elif _has_error(issues):
                result.rows_error += 1
                clean = False
            else:
                result.rows_valid += 1
                result.rows_warning += 1
            self._keep(issues)
        return clean

    def _keep(self, issues: list[Issue]) -> None:
        for issue in issues:
            if self.stored >= self.cap:
                return
            self.pending.append(
                ImportIssue(
                    batch=self.batch,
                    row=issue.row,
                    column=issue.column[:120],
                    value=str(issue.value)[:300],
                    code=issue.code[:40],
                    reason=issue.message[:500],
                    severity=issue.severity,
                    params={k: str(v)[:200] for k, v in (issue.params or {}).items()},
                )
            )
            self.stored += 1
        if len(self.pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            ImportIssue.objects.bulk_create(self.pending)
        self.pending = []


def _has_error(issues: list[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


def _save_counts(batch: ImportBatch, result: PassResult) -> None:
    for key, value in vars(result).items():
        setattr(batch, key, value)


def validate_batch(
    batch: ImportBatch, progress: Callable[[int], None] | None = None
) -> ImportBatch:
    """Read every row, store the validation report; change no registry data."""
    if batch.status in (ImportStatus.APPLIED, ImportStatus.APPLYING, ImportStatus.REVERTED):
        raise Conflict(_("This import was already applied."))
    with transaction.atomic():
        batch.issues.all().delete()
        sink = IssueSink(batch)
        with bulk_gc(), _chunks(batch, keep_rows=False) as chunks:
            for chunk in chunks:
                sink.add(chunk)
                if progress:
                    progress(sink.result.rows_total)
        sink.flush()
        _save_counts(batch, sink.result)
        batch.status = ImportStatus.VALIDATED
        batch.save()
    return batch


def _progress_writer(batch: ImportBatch, total: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        write_progress(progress_key(batch), done, total, batch.filename)

    return report


def apply_batch(
    batch: ImportBatch,
    actor: User | None,
    mode: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Apply an import in one transaction: valid rows (reporting the rest) or all-or-nothing."""
    batch.refresh_from_db()
    if batch.status in (ImportStatus.APPLIED, ImportStatus.APPLYING, ImportStatus.REVERTED):
        raise Conflict(_("This import was already applied."))
    batch.mode = mode or batch.mode
    _mark(batch, ImportStatus.APPLYING, "")
    publish = _progress_writer(batch, batch.rows_total)

    def report(done: int) -> None:
        publish(done)  # always published, so pages and other processes can follow a CLI import
        if progress:
            progress(done)

    try:
        with bulk_gc():
            _apply_rows(batch, actor, report)
    except AbortImport:
        _mark(
            batch,
            ImportStatus.FAILED,
            _("All-or-nothing import stopped: %(n)d rows have errors. Nothing was changed.")
            % {"n": batch.rows_error},
        )
        _store_issues_after_failure(batch)
        raise ImportRejected(
            batch.message, code="rows_invalid", rows_error=batch.rows_error
        ) from None
    except Exception as exc:
        _mark(
            batch,
            ImportStatus.FAILED,
            _("The import failed and nothing was changed: %(e)s") % {"e": str(exc)[:300]},
        )
        raise
    finally:
        clear_progress(progress_key(batch))
    return batch


@transaction.atomic
def _apply_rows(batch: ImportBatch, actor: User | None, report: Callable[[int], None]) -> None:
    """Write each chunk as it is read, all in one transaction: any failure rolls everything back."""
    ImportIssue.objects.filter(batch=batch).delete()
    writer = BulkWriter(batch_id=batch.pk)
    sink = IssueSink(batch)
    all_or_nothing = batch.mode == ImportMode.ALL_OR_NOTHING
    with _chunks(batch) as chunks:
        for chunk in chunks:
            if not sink.add(chunk) and all_or_nothing:
                batch.rows_error = sink.result.rows_error
                raise AbortImport
            writer.write(chunk.upserts)
            report(sink.result.rows_total)
    sink.flush()
    _record_applied(batch, actor, sink.result, writer.finish())


def _record_applied(
    batch: ImportBatch, actor: User | None, counts: PassResult, result: BulkResult
) -> None:
    """Record the outcome on the batch and in the audit trail."""
    _save_counts(batch, counts)
    batch.created_count, batch.updated_count = result.created, result.updated
    batch.facts_written = result.facts_written
    batch.status, batch.applied_at, batch.applied_by = (
        ImportStatus.APPLIED,
        timezone.now(),
        actor,
    )
    batch.message = ""
    batch.save()
    record_audit(
        actor,
        AuditAction.IMPORT,
        batch,
        None,
        _batch_counts(batch),
        source=batch.source,
        note=f"{batch.filename} sha256={batch.file_sha256[:12]}",
    )


def _store_issues_after_failure(batch: ImportBatch) -> None:
    """After a rolled-back all-or-nothing import, re-run validation so the report is kept."""
    batch.status = ImportStatus.UPLOADED
    validate_batch(batch)
    _mark(batch, ImportStatus.FAILED, batch.message)


def _mark(batch: ImportBatch, status: str, message: str) -> None:
    batch.status, batch.message = status, message[:500]
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, message=batch.message)


def _batch_counts(batch: ImportBatch) -> dict[str, int]:
    keys = (
        "rows_total",
        "rows_valid",
        "rows_error",
        "rows_warning",
        "rows_skipped",
        "created_count",
        "updated_count",
        "facts_written",
    )
    return {k: getattr(batch, k) for k in keys}


def run_import_file(
    path: Path,
    actor: User | None,
    mode: str = ImportMode.VALID_ROWS,
    options: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    source: str = "cli",
) -> ImportBatch:
    """Upload, and apply in one pass (CLI and API): the report is stored on the batch."""
    batch = receive_path(path, actor, source=source, options=options)
    return apply_batch(batch, actor, mode=mode, progress=progress)


def apply_quietly(batch_id: int, user_id: int, mode: str) -> None:
    """Task body for pages: apply, leaving failures on the batch (status and message) for the page to show."""
    from corridor.errors import DomainError

    # apply_batch records status FAILED and the reason on the batch, where the page shows them.
    with contextlib.suppress(DomainError):
        apply_batch(ImportBatch.objects.get(pk=batch_id), User.objects.get(pk=user_id), mode=mode)


# -- revert -----------------------------------------------------------------------------------


@transaction.atomic
def revert_batch(batch: ImportBatch, actor: User | None) -> ImportBatch:
    """Undo an applied import: restore updated values, remove what it created."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.APPLIED:
        raise Conflict(_("Only an applied import can be reverted."))
    later = ImportBatch.objects.filter(status=ImportStatus.APPLIED, applied_at__gt=batch.applied_at)
    touched_later = ImportChange.objects.filter(
        batch__in=later, record_id__in=batch.changes.values("record_id")
    )
    if touched_later.exists():
        raise Conflict(_("A later import changed the same records; revert that one first."))
    _restore_before_images(batch)
    created_ids = list(
        Enterprise.all_objects.filter(created_by_import=batch).values_list("pk", flat=True)
    )
    EnterpriseYearFacts.objects.filter(created_by_import=batch).delete()
    Enterprise.all_objects.filter(pk__in=created_ids).update(deleted_at=timezone.now())
    touched = (
        set(created_ids)
        | set(batch.changes.filter(record_type="enterprise").values_list("record_id", flat=True))
        | set(
            EnterpriseYearFacts.objects.filter(
                pk__in=batch.changes.filter(record_type="facts").values("record_id")
            ).values_list("enterprise_id", flat=True)
        )
    )
    refresh_latest_facts(touched)
    batch.status, batch.reverted_at, batch.reverted_by = (
        ImportStatus.REVERTED,
        timezone.now(),
        actor,
    )
    batch.save()
    record_audit(
        actor,
        AuditAction.REVERT,
        batch,
        _batch_counts(batch),
        None,
        source="web",
        note=f"{batch.filename}: {len(created_ids)} created records removed",
    )
    return batch


def _restore_before_images(batch: ImportBatch) -> None:
    models = {"enterprise": Enterprise.all_objects, "facts": EnterpriseYearFacts.objects}
    for change in batch.changes.all().iterator(chunk_size=2000):
        models[change.record_type].filter(pk=change.record_id).update(**change.before)
