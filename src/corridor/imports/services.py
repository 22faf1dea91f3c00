"""The one import flow: upload → inspect → validate → apply → revert, for every registered kind.

The engine (corridor.engine.sheets) reads and cleans rows; the kind's Importer (corridor.imports.seam)
maps them onto its domain, writes them inside the apply transaction and reverts them. This module
records the batch, its issues and its counts, publishes progress, and enforces the rules every kind
shares: a file is stored once under its hash, an applied import is never applied twice, an
all-or-nothing apply changes nothing when a row fails, a revert refuses to undo a later import's
work and asks before undoing a person's edits.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.core.channel import current_channel
from corridor.core.issue_text import issue_text
from corridor.core.pipeline import bulk_gc
from corridor.core.reading import Opening, in_reading_child, open_import_table, reads_in_child
from corridor.core.signals import announce_data_changed
from corridor.core.tasks import (
    clear_progress,
    current_task_id,
    run_task,
    task_state,
    write_progress,
)
from corridor.engine.sheets.cells import ERROR, Issue
from corridor.engine.sheets.guard import Limits
from corridor.engine.sheets.rows import CleanRow, RowReader
from corridor.engine.sheets.tabular import Layout, Table, TableError, auto_map, detect_layout
from corridor.errors import Conflict, ImportRejected, ValidationFailed
from corridor.imports import signals
from corridor.imports.models import ImportBatch, ImportIssue, ImportMode, ImportStatus
from corridor.imports.outcomes import outcome_text
from corridor.imports.seam import (
    HEAD_ROWS,
    Chunk,
    ChunkWriter,
    Importer,
    ReadJob,
    ReadOptions,
    importer_for,
    kinds,
)

SAMPLE_ROWS = 20
DONE = (ImportStatus.APPLIED, ImportStatus.APPLYING, ImportStatus.REVERTED)


class AbortImport(Exception):
    """Raised inside the apply transaction to roll everything back."""


class _RollBack(Exception):
    """Raised to leave a validation pass that wrote (to judge rows) without keeping anything."""


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


def importer_of(kind: str) -> Importer:
    """The importer of a kind, or a user error naming the kinds there are."""
    try:
        return importer_for(kind)
    except KeyError:
        raise ValidationFailed(
            _("Unknown import kind %(kind)s; use one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(kinds())},
            field="kind",
            value=kind,
        ) from None


def checked_mode(mode: str) -> str:
    """An apply mode, or a user error naming the modes there are (pages, API and CLI alike)."""
    if mode not in ImportMode.values:
        raise ValidationFailed(
            _("Unknown import mode %(mode)s; use one of: %(modes)s.")
            % {"mode": mode, "modes": ", ".join(ImportMode.values)},
            field="mode",
            value=mode,
        )
    return mode


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
    kind: str = "enterprises",
    source: str | None = None,
    options: dict[str, Any] | None = None,
) -> ImportBatch:
    """Store an uploaded file under var/imports, check it is a readable table, record the batch."""
    importer_of(kind)
    checked = _checked_options(options or {})
    directory = Path(settings.CORRIDOR_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f"upload-{timezone.now().timestamp():.6f}.part"
    digest, size = _copy_hashing(stream, tmp)
    stored = directory / f"{digest}{Path(filename).suffix.lower()[:8]}"
    tmp.replace(stored)
    try:  # the guard first; a costly workbook is opened in a memory-limited child, never here
        table = open_import_table(stored, **_opening(filename))
    except TableError as exc:
        if not ImportBatch.objects.filter(stored_path=str(stored)).exists():
            stored.unlink(missing_ok=True)
        raise _table_error(exc) from exc
    return ImportBatch.objects.create(
        kind=kind,
        filename=Path(filename).name[:255] or "upload",
        file_sha256=digest,
        file_size=size,
        stored_path=str(stored),
        sheet=table.sheet,
        uploaded_by=actor,
        source=source or current_channel(),
        options=checked,
    )


def _checked_options(options: dict[str, Any]) -> dict[str, Any]:
    """Options as stored, the stated year checked (a year a district could report)."""
    year = options.get("year")
    if year in (None, ""):
        return {k: v for k, v in options.items() if k != "year"}
    try:
        number = int(str(year).strip())
    except ValueError:
        number = 0
    if not 1949 <= number <= timezone.now().year + 1:
        raise ValidationFailed(
            _("The year of the figures must be a year between 1949 and %(last)d, not “%(value)s”.")
            % {"last": timezone.now().year + 1, "value": str(year)[:20]},
            field="year",
            value=str(year)[:20],
        )
    return {**options, "year": number}


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
    kind: str = "enterprises",
    source: str = "cli",
    options: dict[str, Any] | None = None,
    sheet: str | None = None,
) -> ImportBatch:
    """Record an import of a file already on disk (CLI)."""
    if not Path(path).is_file():
        raise ImportRejected(
            _("No such file: %(name)s.") % {"name": str(path)}, code="no_file", name=str(path)
        )
    with Path(path).open("rb") as stream:
        batch = receive_upload(stream, Path(path).name, actor, kind, source=source, options=options)
    if sheet:
        choose_sheet(batch, sheet)
    return batch


def choose_sheet(batch: ImportBatch, sheet: str) -> ImportBatch:
    """Import another sheet of the workbook: checked to exist first; the mapping starts afresh."""
    if batch.status in DONE:
        raise Conflict(_("This import was already applied."))
    try:
        table = open_import_table(Path(batch.stored_path), **_opening(batch.filename, sheet))
    except TableError as exc:  # no such sheet (named with the ones there are), or an empty one
        raise _table_error(exc) from exc
    if table.sheet != batch.sheet:
        batch.sheet, batch.mapping, batch.status = table.sheet, {}, ImportStatus.UPLOADED
        batch.save(update_fields=["sheet", "mapping", "status"])
    return batch


# -- inspect -----------------------------------------------------------------------------------


def _open(batch: ImportBatch) -> Table:
    try:
        return open_import_table(
            Path(batch.stored_path), **_opening(batch.filename, batch.sheet or None)
        )
    except TableError as exc:
        raise _table_error(exc) from exc


def _saved_mapping(batch: ImportBatch) -> dict[int, str] | None:
    """The user's mapping, if one was saved."""
    return {int(k): v for k, v in batch.mapping.items() if v} if batch.mapping else None


def _layout(table: Table, importer: Importer) -> Layout:
    try:
        return detect_layout(table.head(HEAD_ROWS), importer.columns)
    except TableError as exc:
        raise _table_error(exc) from exc


def current_mapping(batch: ImportBatch, layout: Layout) -> dict[int, str]:
    """The user's mapping if set, else the automatic one."""
    saved = _saved_mapping(batch)
    return saved if saved is not None else auto_map(layout, importer_of(batch.kind).columns)


def inspect_batch(batch: ImportBatch) -> Inspection:
    """Detect the header and mapping and clean the first rows for a preview (changes nothing)."""
    importer = importer_of(batch.kind)
    table = _open(batch)
    layout = _layout(table, importer)
    mapping = current_mapping(batch, layout)
    sample = importer.preview(read_job(batch, keep_rows=True), SAMPLE_ROWS)
    if sample is None:
        sample = []
        for row in sample_reader(table, layout, mapping, importer, options_of(batch)):
            sample.append(row)
            if len(sample) >= SAMPLE_ROWS:
                break
    return Inspection(
        table.sheet_names, table.sheet, table.format, table.encoding, layout, mapping, sample
    )


def sample_reader(
    table: Table, layout: Layout, mapping: dict[int, str], importer: Importer, options: ReadOptions
) -> RowReader:
    """The engine's row reader over the table's data rows, with the kind's columns."""
    return RowReader(
        table.rows(),
        layout,
        mapping,
        importer.columns,
        default_money_unit=options.money_unit,
        accept_checksum_warnings=options.accept_warnings,
        hold_checksum_warnings=True,
        default_year=options.year,
    )


def options_of(batch: ImportBatch) -> ReadOptions:
    """The batch's reading options."""
    return ReadOptions.from_stored(batch.options)


def set_mapping(batch: ImportBatch, mapping: dict[int, str], options: dict[str, Any]) -> None:
    """Save the user's column mapping and options (money unit, checksum confirmation, year)."""
    if batch.status in DONE:
        raise Conflict(_("This import was already applied."))
    names = {f.name for f in importer_of(batch.kind).columns}
    unknown = sorted({v for v in mapping.values() if v and v not in names})
    if unknown:
        raise ValidationFailed(_("Unknown target field: %(f)s") % {"f": ", ".join(unknown)})
    duplicated = _mapped_twice(batch, mapping)
    if duplicated:
        raise ValidationFailed(
            _("Two columns are mapped to the same field: %(f)s") % {"f": ", ".join(duplicated)}
        )
    batch.mapping = {str(k): v for k, v in mapping.items()}
    batch.options = _checked_options({**batch.options, **options})
    batch.status = ImportStatus.UPLOADED
    batch.save(update_fields=["mapping", "options", "status"])


def _mapped_twice(batch: ImportBatch, mapping: dict[int, str]) -> list[str]:
    """Fields two columns are mapped to; a yearly figure may take one column per header year."""
    targets = [v for v in mapping.values() if v]
    twice = {v for v in targets if targets.count(v) > 1}
    yearly = {f.name for f in importer_of(batch.kind).columns if f.per_year}
    if twice & yearly:
        years = _layout(_open(batch), importer_of(batch.kind)).column_years
        for name in twice & yearly:
            named = [years.get(i) for i, v in mapping.items() if v == name]
            if None not in named and len(set(named)) == len(named):
                twice.discard(name)  # 2023年营业收入 and 2024年营业收入: two years of one figure
    return sorted(twice)


# -- reading in chunks -------------------------------------------------------------------------


@dataclass
class PassResult:
    rows_total: int = 0
    rows_valid: int = 0
    rows_error: int = 0
    rows_warning: int = 0
    rows_skipped: int = 0


def read_job(batch: ImportBatch, keep_rows: bool) -> ReadJob:
    """What reading the file needs; the importer's lookups are made here (the reader has no database)."""
    return ReadJob(
        path=batch.stored_path,
        filename=batch.filename,
        sheet=batch.sheet or None,
        max_bytes=settings.CORRIDOR_IMPORT_MAX_BYTES,
        limits=import_limits(),
        mapping=_saved_mapping(batch),
        options=options_of(batch),
        lookups=importer_of(batch.kind).lookups(),
        keep_rows=keep_rows,
    )


@contextlib.contextmanager
def _chunks(batch: ImportBatch, keep_rows: bool = True) -> Iterator[Iterator[Chunk]]:
    """The file's rows in chunks: read in a child process for a large file, here for a small one.

    The same parse function either way (it also finds the header, so a large workbook is loaded
    once, by the child). A child process takes about half a second to start (a fresh interpreter
    and the region table), which pays off only when there is a lot to overlap.
    """
    importer = importer_of(batch.kind)
    job = read_job(batch, keep_rows)
    source: Iterator[Chunk]
    if importer.child_safe and _parse_in_child(job):
        opening = Opening(
            job.path, job.filename, memory_limit_mb=settings.CORRIDOR_IMPORT_MEMORY_LIMIT_MB
        )
        source = in_reading_child(importer.parse, job, opening=opening, name="import parser")
    else:
        source = importer.parse(job)

    def chunks() -> Iterator[Chunk]:
        for chunk in source:
            batch.header_rows = chunk.header_rows
            yield chunk

    try:
        yield chunks()
    except TableError as exc:  # no header or mapping, or unreadable part-way (encoding, quoting)
        raise _table_error(exc) from exc
    finally:
        close = getattr(source, "close", None)
        if close:
            close()  # stops a child process still reading


def _parse_in_child(job: ReadJob) -> bool:
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

    def __init__(self, batch: ImportBatch, defer: bool = False) -> None:
        self.batch = batch
        self.defer = defer  # keep everything in memory until flush (a pass that is rolled back)
        self.result = PassResult()
        self.pending: list[ImportIssue] = []
        self.stored = 0
        self.cap = settings.CORRIDOR_IMPORT_MAX_STORED_ISSUES

    def add(self, chunk: Chunk) -> bool:
        """Count a chunk's rows and keep their issues; False when one of its rows has an error."""
        self.keep(chunk.notices)
        result = self.result
        result.rows_total += chunk.rows_read
        result.rows_valid += chunk.rows_read - len(chunk.reports)  # rows without any issue
        return self._count(chunk.reports)

    def refused(self, reports: list[tuple[bool, list[Issue]]]) -> bool:
        """Rows the writer refused (they were counted valid when read); False if any has an error."""
        self.result.rows_valid -= len(reports)
        return self._count(reports)

    def _count(self, reports: list[tuple[bool, list[Issue]]]) -> bool:
        result, clean = self.result, True
        for skipped, issues in reports:
            if skipped:
                result.rows_skipped += 1
            elif _has_error(issues):
                result.rows_error += 1
                clean = False
            else:
                result.rows_valid += 1
                result.rows_warning += 1
            self.keep(issues)
        return clean

    def keep(self, issues: list[Issue]) -> None:
        """Store issues (up to the cap)."""
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
        if len(self.pending) >= 2000 and not self.defer:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            ImportIssue.objects.bulk_create(self.pending)
        self.pending = []


def _has_error(issues: list[Issue]) -> bool:
    return any(i.severity == ERROR for i in issues)


def _save_counts(batch: ImportBatch, result: PassResult) -> None:
    for key, value in vars(result).items():
        setattr(batch, key, value)


# -- validate ----------------------------------------------------------------------------------


def validate_batch(
    batch: ImportBatch, progress: Callable[[int], None] | None = None, actor: User | None = None
) -> ImportBatch:
    """Read every row, store the validation report; keep no domain data."""
    if batch.status in DONE:
        raise Conflict(_("This import was already applied."))
    importer = importer_of(batch.kind)
    with transaction.atomic():
        batch.issues.all().delete()
        sink = IssueSink(batch, defer=importer.validate_by_writing)
        if importer.validate_by_writing:
            _validate_by_writing(batch, importer, actor or batch.uploaded_by, sink, progress)
        else:
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


def _validate_by_writing(
    batch: ImportBatch,
    importer: Importer,
    actor: User | None,
    sink: IssueSink,
    progress: Callable[[int], None] | None,
) -> None:
    """Write every valid row, judge it, roll it all back; the sink holds the issues until after."""
    with contextlib.suppress(_RollBack), transaction.atomic():
        writer = importer.writer(batch, actor)
        with _chunks(batch) as chunks:
            for chunk in chunks:
                _write_chunk(sink, writer, chunk)
                if progress:
                    progress(sink.result.rows_total)
        writer.finish()
        raise _RollBack


def _write_chunk(sink: IssueSink, writer: ChunkWriter, chunk: Chunk) -> bool:
    """Count a chunk's rows, write its valid records; False when a row has an error."""
    clean = sink.add(chunk)
    return sink.refused(writer.write(chunk.records)) and clean


# -- apply -------------------------------------------------------------------------------------


def _progress_writer(batch: ImportBatch, total: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        write_progress(progress_key(batch), done, total, batch.filename)

    return report


def apply_batch(
    batch: ImportBatch,
    actor: User | None,
    mode: str | None = None,
    progress: Callable[[int], None] | None = None,
    follow_up: bool = True,
    queued: bool = False,
    source: str | None = None,
) -> ImportBatch:
    """Apply an import in one transaction: valid rows (reporting the rest) or all-or-nothing.

    follow_up=False skips the importer's work after the commit (e.g. classifying onto the atlas),
    for a bulk load that runs that work as one batch afterwards. queued=True: the batch was marked
    applying by queue_apply and this is its job."""
    batch.refresh_from_db()
    fail_if_lost(batch)
    if batch.status in DONE and not (queued and batch.status == ImportStatus.APPLYING):
        raise Conflict(_("This import was already applied."))
    if mode:
        checked_mode(mode)
    importer = importer_of(batch.kind)
    batch.mode = mode or batch.mode
    _mark(batch, ImportStatus.APPLYING, "")
    publish = _progress_writer(batch, batch.rows_total)

    def report(done: int) -> None:
        publish(done)  # always published, so pages and other processes can follow a CLI import
        if progress:
            progress(done)

    try:
        with bulk_gc():
            _apply_rows(batch, importer, actor, report, source or current_channel())
    except AbortImport:
        _mark(batch, ImportStatus.FAILED, "rows_invalid", n=batch.rows_error)
        _store_issues_after_failure(batch, actor)
        raise ImportRejected(
            batch.message_text, code="rows_invalid", rows_error=batch.rows_error
        ) from None
    except Exception as exc:
        _mark(batch, ImportStatus.FAILED, "failed", e=str(exc)[:300])
        raise
    finally:
        clear_progress(progress_key(batch))
    if follow_up:
        transaction.on_commit(lambda: importer.after_apply(batch))
    return batch


@transaction.atomic
def _apply_rows(
    batch: ImportBatch,
    importer: Importer,
    actor: User | None,
    report: Callable[[int], None],
    source: str,
) -> None:
    """Write each chunk as it is read, all in one transaction: any failure rolls everything back."""
    ImportIssue.objects.filter(batch=batch).delete()
    writer = importer.writer(batch, actor)
    sink = IssueSink(batch)
    all_or_nothing = batch.mode == ImportMode.ALL_OR_NOTHING
    with _chunks(batch) as chunks:
        for chunk in chunks:
            if not _write_chunk(sink, writer, chunk) and all_or_nothing:
                batch.rows_error = sink.result.rows_error
                raise AbortImport
            report(sink.result.rows_total)
    sink.flush()
    result = writer.finish()
    _save_counts(batch, sink.result)
    batch.created_count, batch.updated_count = result.created, result.updated
    batch.facts_written = result.details
    batch.status, batch.applied_at, batch.applied_by = (
        ImportStatus.APPLIED,
        timezone.now(),
        actor,
    )
    batch.message, batch.message_code, batch.message_params = "", "", {}
    batch.save()
    signals.import_applied.send(
        ImportBatch, batch=batch, actor=actor, counts=batch_counts(batch), source=source
    )
    announce_data_changed("imports")


def _store_issues_after_failure(batch: ImportBatch, actor: User | None) -> None:
    """After a rolled-back all-or-nothing import, re-run validation so the report is kept."""
    code, params = batch.message_code, dict(batch.message_params)
    batch.status = ImportStatus.UPLOADED
    validate_batch(batch, actor=actor)
    _mark(batch, ImportStatus.FAILED, code, **params)


def _mark(batch: ImportBatch, status: str, code: str, **params: Any) -> None:
    """Record the batch's status and why (imports.outcomes code and parameters, and the sentence)."""
    batch.status, batch.message_code, batch.message_params = status, code, params
    batch.message = outcome_text(code, params)[:500]
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, message=batch.message, message_code=code, message_params=params
    )


def batch_counts(batch: ImportBatch) -> dict[str, int]:
    """The batch's counts as plain data (the audit trail, the API)."""
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
    kind: str = "enterprises",
    mode: str = ImportMode.VALID_ROWS,
    options: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    source: str = "cli",
    follow_up: bool = True,
) -> ImportBatch:
    """Upload, and apply in one pass (CLI and API): the report is stored on the batch."""
    batch = receive_path(path, actor, kind, source=source, options=options)
    return apply_batch(
        batch, actor, mode=mode, progress=progress, follow_up=follow_up, source=source
    )


def queue_apply(batch: ImportBatch, actor: User | None, mode: str | None = None) -> ImportBatch:
    """Apply on the task queue (pages): the batch is 'applying' from now on, with its job's id.

    The job is queued in the same transaction that marks the batch, so a worker never sees one
    without the other; inline (tests) it runs right here.
    """
    if mode:
        checked_mode(mode)
    fail_if_lost(batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status in DONE:
            raise Conflict(_("This import was already applied."))
        batch.mode = mode or batch.mode
        batch.status, batch.message, batch.task_id = ImportStatus.APPLYING, "", ""
        batch.message_code, batch.message_params = "", {}
        batch.save(
            update_fields=["mode", "status", "message", "message_code", "message_params", "task_id"]
        )
        actor_id = actor.pk if actor else None
        task_id = run_task(apply_queued, batch.pk, actor_id, batch.mode)
        if task_id:
            batch.task_id = task_id
            ImportBatch.objects.filter(pk=batch.pk).update(task_id=task_id)
    batch.refresh_from_db()
    return batch


def apply_queued(batch_id: int, user_id: int | None, mode: str) -> None:
    """Task body: apply a queued import, leaving failures on the batch (status, message) for the page."""
    from corridor.errors import DomainError

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != ImportStatus.APPLYING:  # e.g. given up as lost meanwhile
        return
    running = current_task_id()  # None inline, where this call is the job
    if running and batch.task_id and batch.task_id != running:  # a newer job owns the batch
        return
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    # apply_batch records status FAILED and the reason on the batch, where the page shows them.
    with contextlib.suppress(DomainError):
        apply_batch(batch, actor, mode=mode, queued=True)


def fail_if_lost(batch: ImportBatch) -> ImportBatch:
    """An import whose job died (its worker was killed, crashed or lost the job) is marked failed.

    Applying is one transaction, so a job that died wrote nothing: the batch can be applied again.
    """
    if batch.status != ImportStatus.APPLYING or not batch.task_id:
        return batch
    state = task_state(batch.task_id)
    if state.status not in ("lost", "failed", "unknown"):
        return batch
    params = {"reason": state.status}
    ImportBatch.objects.filter(
        pk=batch.pk, status=ImportStatus.APPLYING, task_id=batch.task_id
    ).update(
        status=ImportStatus.FAILED,
        message=outcome_text("stopped", params)[:500],
        message_code="stopped",
        message_params=params,
    )
    clear_progress(progress_key(batch))
    batch.refresh_from_db()
    return batch


# -- revert -----------------------------------------------------------------------------------


def revert_batch(
    batch: ImportBatch,
    actor: User | None,
    confirm_edited: bool = False,
    source: str | None = None,
) -> ImportBatch:
    """Undo an applied import: restore updated values, remove what it created.

    Records people edited after the import are listed by the importer; unless the caller confirms
    (confirm_edited), the revert is refused with their count, so no one's edit is undone silently.
    """
    importer = importer_of(batch.kind)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.APPLIED:
            raise Conflict(_("Only an applied import can be reverted."))
        if importer.changed_by_later_imports(batch):
            raise Conflict(_("A later import changed the same records; revert that one first."))
        edited = importer.edited_after_count(batch)
        if edited and not confirm_edited:
            raise Conflict(
                _(
                    "%(n)d records this import wrote were edited by people afterwards; reverting "
                    "would undo those edits. Review them and confirm the revert."
                )
                % {"n": edited},
                code="edited_after_import",
                edited=edited,
            )
        removed = importer.revert(batch, actor)
        before = batch_counts(batch)
        batch.status, batch.reverted_at, batch.reverted_by = (
            ImportStatus.REVERTED,
            timezone.now(),
            actor,
        )
        batch.save()
        signals.import_reverted.send(
            ImportBatch,
            batch=batch,
            actor=actor,
            counts=before,
            removed=removed,
            source=source or current_channel(),
        )
        announce_data_changed("imports")
    transaction.on_commit(lambda: importer.after_revert(batch))
    return batch
