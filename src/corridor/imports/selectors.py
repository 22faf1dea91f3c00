"""Reads of imports: lists by kind, one batch, its issues, earlier imports of the same file."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from corridor.errors import NotFound
from corridor.imports.models import ImportBatch, ImportIssue


def import_list(kind: str | None = None) -> QuerySet[ImportBatch]:
    """Imports (of one kind, if given), newest first."""
    qs = ImportBatch.objects.select_related("uploaded_by", "applied_by")
    return qs.filter(kind=kind) if kind else qs


def get_import(pk: int, kind: str | None = None) -> ImportBatch:
    """One import batch (of one kind, if given), or a 404 DomainError."""
    qs = ImportBatch.objects.select_related("uploaded_by", "applied_by", "reverted_by").filter(
        pk=pk
    )
    batch = (qs.filter(kind=kind) if kind else qs).first()
    if batch is None:
        raise NotFound(_("No such import."))
    return batch


def import_issues(batch: ImportBatch, severity: str = "") -> QuerySet[ImportIssue]:
    """A batch's stored issues, optionally of one severity."""
    qs = batch.issues.all()
    return qs.filter(severity=severity) if severity else qs


def earlier_imports(batch: ImportBatch) -> QuerySet[ImportBatch]:
    """Earlier uploads of the very same file (same SHA-256) as the same kind, newest first."""
    return ImportBatch.objects.filter(
        kind=batch.kind, file_sha256=batch.file_sha256, created_at__lte=batch.created_at
    ).exclude(pk=batch.pk)


def active_user(username: str) -> User | None:
    """The active user an import is attributed to (the CLI's --user), or None."""
    return User.objects.filter(username=username, is_active=True).first()
