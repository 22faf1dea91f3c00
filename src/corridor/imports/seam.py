"""The seam where a domain plugs its importer into the intake wing.

The flow (corridor.imports.services) owns upload, inspection, validation, apply, progress, the stored
report and revert; a domain supplies an `Importer`: its columns, the lookups prepared before reading,
a parse function that turns a file into chunks of records, a writer that stores a chunk inside the
apply transaction, and how an applied import is reverted. A domain registers its importer from its
AppConfig.ready(), so this app imports no domain app.

The parse function may run in a spawned child process (a fresh interpreter, no database), so the
types it receives and returns here are plain, picklable data and this module imports nothing from
Django at run time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Protocol

from corridor.engine.sheets.cells import Issue
from corridor.engine.sheets.columns import ImportField
from corridor.engine.sheets.guard import Limits

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.utils.functional import Promise

    from corridor.engine.sheets.rows import CleanRow
    from corridor.imports.models import ImportBatch

HEAD_ROWS = 30  # the header is looked for among the first rows
CHUNK_ROWS = 5000


@dataclass(frozen=True)
class ReadOptions:
    """What the user chose for one import: money unit, checksum confirmation, the stated year."""

    money_unit: Decimal = Decimal(1)
    accept_warnings: bool = False
    year: int | None = None

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> ReadOptions:
        """The options as an ImportBatch stores them (JSON)."""
        year = stored.get("year")
        return cls(
            Decimal(str(stored.get("money_unit") or "1")),
            bool(stored.get("accept_warnings")),
            int(year) if year not in (None, "") else None,
        )


@dataclass(frozen=True)
class ReadJob:
    """Everything a (child) process needs to read one import: no database access required."""

    path: str
    filename: str
    sheet: str | None
    max_bytes: int
    limits: Limits
    mapping: dict[int, str] | None  # the user's column mapping; None: the automatic one
    options: ReadOptions
    lookups: dict[str, Any] = field(default_factory=dict)  # prepared by the importer, e.g. parks
    keep_rows: bool = True  # False: validation only, the mapped records are not sent back


class Chunk(NamedTuple):
    """Consecutive rows of the file: how many, the issues of those not clean, the valid ones mapped."""

    rows_read: int
    reports: list[tuple[bool, list[Issue]]]  # (skipped, issues) of every row with an issue
    records: list[Any]  # what the importer's writer stores, one per valid row
    header_rows: list[int]  # where the file's header was found
    notices: list[Issue] = []  # file-level notices (the first chunk only), e.g. no year


@dataclass
class WriteResult:
    """What the apply wrote: records created and updated, yearly facts (or other details) written."""

    created: int = 0
    updated: int = 0
    details: int = 0


@dataclass(frozen=True)
class EditedRecord:
    """A record an import wrote that a person changed afterwards (reverting would undo their work)."""

    label: str
    url: str
    at: dt.datetime
    who: str
    what: str


@dataclass(frozen=True)
class RecordLink:
    """A record an import created or updated, one click away from its report."""

    label: str
    url: str
    created: bool


class ChunkWriter(Protocol):
    """Writes the records of each chunk inside the apply transaction."""

    def write(self, records: list[Any]) -> list[tuple[bool, list[Issue]]]:
        """Store the records; return the (skipped, issues) of rows refused while writing."""

    def finish(self) -> WriteResult:
        """Anything left to write; the counts."""


Parse = Callable[[ReadJob], Iterator[Chunk]]


class Importer:
    """A domain's importer. Subclasses set the attributes and override the methods they need."""

    kind: str = ""
    label: Promise | str = ""  # a page title: "Import enterprise data"
    description: Promise | str = ""  # what an upload does, under the upload form
    columns: tuple[ImportField, ...] = ()
    import_permission: str = ""
    revert_permission: str = ""
    # A module-level function (a child process imports it by name): file -> chunks of records.
    parse: Parse
    # True when parse imports nothing from Django, so a large file can be read in a child process.
    child_safe: bool = True
    # True when rows can only be judged by writing them (services with rules of their own): the
    # validation pass then writes inside a transaction it rolls back.
    validate_by_writing: bool = False
    # Where the revert note says what was removed ("enterprises", "projects").
    records_name: Promise | str = ""
    # What WriteResult.details counts, after the number on the report ("yearly facts written").
    details_label: Promise | str = ""

    @property
    def states_year(self) -> bool:
        """Whether the kind has yearly figures, so the user may state the year the file omits."""
        return any(f.per_year for f in self.columns)

    def lookups(self) -> dict[str, Any]:
        """What parse needs from the database, looked up once before reading (picklable)."""
        return {}

    def preview(self, job: ReadJob, limit: int) -> list[CleanRow] | None:
        """The first rows as the importer reads them, for the mapping page; None: the engine's
        generic reader with these columns (right when the kind's row rules are the engine's)."""
        return None

    def writer(self, batch: ImportBatch, actor: User | None) -> ChunkWriter:
        """The writer of one apply (or of a validation pass that writes, then rolls back)."""
        raise NotImplementedError

    def revert(self, batch: ImportBatch, actor: User | None) -> int:
        """Undo what the import wrote (inside the flow's transaction); the number of records removed."""
        raise NotImplementedError

    def changed_by_later_imports(self, batch: ImportBatch) -> bool:
        """Whether a later applied import changed records this one wrote (revert that one first)."""
        return False

    def edited_after(self, batch: ImportBatch, limit: int = 50) -> list[EditedRecord]:
        """Records the import wrote that people changed after it was applied (newest first)."""
        return []

    def edited_after_count(self, batch: ImportBatch) -> int:
        """How many records the import wrote were changed by people afterwards."""
        return len(self.edited_after(batch, limit=10_000))

    def record_links(self, batch: ImportBatch, limit: int = 20) -> list[RecordLink]:
        """Some of the records the import created or updated, for the report page."""
        return []

    def records_url(self, batch: ImportBatch) -> str:
        """A list page showing every record the import created or updated ("" if none)."""
        return ""

    def template(self) -> IO[bytes]:
        """The blank template workbook for this kind."""
        raise NotImplementedError

    def after_apply(self, batch: ImportBatch) -> None:
        """Called once an apply has committed (e.g. classify what it created)."""

    def after_revert(self, batch: ImportBatch) -> None:
        """Called once a revert has committed."""


_IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    """Make an importer available to the flow, the pages, the API and the CLI under its kind."""
    _IMPORTERS[importer.kind] = importer


def importer_for(kind: str) -> Importer:
    """The importer of a kind; KeyError for an unknown kind (callers turn it into a user error)."""
    return _IMPORTERS[kind]


def kinds() -> list[str]:
    """Every registered kind, in registration order."""
    return list(_IMPORTERS)
