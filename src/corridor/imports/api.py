"""Imports API, one for every kind: upload (validate or apply), read, report, apply, revert."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from corridor.core.api_errors import domain_rules, responses
from corridor.core.pagination import BoundedPagination
from corridor.core.views import SignedInRequest, require_perm
from corridor.errors import ValidationFailed
from corridor.imports import selectors, services
from corridor.imports.models import ImportBatch, ImportMode

router = Router(tags=["imports"])

# What an upload can be refused for that its schema cannot state: the kinds are registered by the
# apps (enterprises, projects, …), and whether a file is a table the importer can read is known
# only once it is opened.
UPLOAD_RULES = domain_rules(
    ("kind", "", "kind is one of the registered import kinds"),
    ("file", "", "the file has content: an empty part is no file (Django drops it)"),
    ("year", "", "the year of the figures is not after next year"),
    (
        "",
        "",
        "the file is a spreadsheet (.xlsx, .xls, .csv) the importer can read",
        "import_rejected",
    ),
)
MONEY_UNIT = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"  # yuan per unit of the file's money columns


class ImportOut(Schema):
    id: int
    kind: str
    filename: str
    file_sha256: str
    status: str
    mode: str
    rows_total: int
    rows_valid: int
    rows_error: int
    rows_warning: int
    rows_skipped: int
    created_count: int
    updated_count: int
    facts_written: int
    message: str
    year: int | None = None

    @staticmethod
    def resolve_message(obj: ImportBatch) -> str:
        return obj.message_text  # in the caller's language (Accept-Language)

    @staticmethod
    def resolve_year(obj: ImportBatch) -> int | None:
        return obj.options.get("year")


class IssueOut(Schema):
    row: int
    column: str
    value: str
    code: str
    reason: str
    severity: str


def _batch(request: SignedInRequest, import_id: int, revert: bool = False) -> ImportBatch:
    """The batch, if the caller may import (or revert) its kind."""
    batch = selectors.get_import(import_id)
    importer = services.importer_of(batch.kind)
    require_perm(request, importer.revert_permission if revert else importer.import_permission)
    return batch


def upload_file(
    request: SignedInRequest,
    file: UploadedFile,
    kind: str,
    mode: str,
    dry_run: bool,
    accept_warnings: bool,
    money_unit: str,
    year: int | None,
) -> ImportBatch:
    """Receive a file, then validate it (dry run) or apply it in the chosen mode."""
    importer = services.importer_of(kind)
    require_perm(request, importer.import_permission)
    services.checked_mode(mode)
    try:
        unit = str(Decimal(money_unit))
    except (ArithmeticError, InvalidOperation) as exc:
        raise ValidationFailed(
            "money_unit must be a number", field="money_unit", value=money_unit
        ) from exc
    options = {"accept_warnings": accept_warnings, "money_unit": unit, "year": year}
    name = Path(file.name or "upload").name
    batch = services.receive_upload(file, name, request.user, kind, source="api", options=options)
    if dry_run:
        return services.validate_batch(batch, actor=request.user)
    return services.apply_batch(batch, request.user, mode=mode)


@router.post("", response=responses({201: ImportOut}, 400, 409), openapi_extra=UPLOAD_RULES)
def upload_import(
    request: SignedInRequest,
    file: File[UploadedFile],
    kind: str = "enterprises",
    mode: ImportMode = ImportMode.VALID_ROWS,
    dry_run: bool = False,
    accept_warnings: bool = False,
    money_unit: str = Query("1", pattern=MONEY_UNIT),
    year: int | None = Query(None, ge=1949, le=2100),
):  # type: ignore[no-untyped-def]
    """Upload a file of a kind (enterprises, projects); validate only (dry_run) or apply it."""
    batch = upload_file(request, file, kind, mode, dry_run, accept_warnings, money_unit, year)
    return 201, batch


@router.get("/{import_id}", response=responses({200: ImportOut}, 404))
def get_import(request: SignedInRequest, import_id: int):  # type: ignore[no-untyped-def]
    """One import and its counts."""
    return _batch(request, import_id)


@router.get("/{import_id}/issues", response=responses({200: list[IssueOut]}, 404))
@paginate(BoundedPagination)
def import_issues(request: SignedInRequest, import_id: int, severity: str = ""):  # type: ignore[no-untyped-def]
    """The validation report of an import: row, column, value, reason."""
    return selectors.import_issues(_batch(request, import_id), severity)


@router.post("/{import_id}/apply", response=responses({200: ImportOut}, 400, 404, 409))
def apply_import(
    request: SignedInRequest, import_id: int, mode: ImportMode = ImportMode.VALID_ROWS
):  # type: ignore[no-untyped-def]
    """Apply a validated (dry-run) import."""
    return services.apply_batch(_batch(request, import_id), request.user, mode=mode)


@router.post("/{import_id}/revert", response=responses({200: ImportOut}, 400, 404, 409))
def revert_import(request: SignedInRequest, import_id: int, confirm_edited: bool = False):  # type: ignore[no-untyped-def]
    """Undo an applied import; confirm_edited=true when people edited its records since (409 otherwise)."""
    batch = _batch(request, import_id, revert=True)
    return services.revert_batch(batch, request.user, confirm_edited=confirm_edited, source="api")
