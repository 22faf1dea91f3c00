"""The intake wing's records: an uploaded file (ImportBatch), its row issues and the before-images it wrote.

They serve every domain's importer (``kind`` says which); the tables keep their original names from the
registry app, where they began, so moving them here moved no data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATED = "validated", _("Validated")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
    REVERTED = "reverted", _("Reverted")


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid_rows", _("Apply valid rows, report the rest")
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")


class ImportBatch(models.Model):
    """One uploaded file and what became of it: mapping, validation, counts, apply and revert."""

    kind = models.CharField(_("kind"), max_length=24, default="enterprises", db_index=True)
    filename = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file hash (SHA-256)"), max_length=64, db_index=True)
    file_size = models.BigIntegerField(_("file size (bytes)"))
    stored_path = models.CharField(max_length=500)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    source = models.CharField(_("channel"), max_length=8, default="web")
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    mode = models.CharField(
        _("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.VALID_ROWS
    )
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    header_rows = models.JSONField(default=list, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_error = models.PositiveIntegerField(default=0)
    rows_warning = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    facts_written = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    # The message as a code and parameters (imports.outcomes), rendered in each reader's language;
    # `message` keeps the sentence in the language it was written in, for codes a later version lacks.
    message_code = models.CharField(max_length=40, blank=True, default="")
    message_params = models.JSONField(default=dict, blank=True)
    # The queued job applying it (core.tasks), so a job whose worker died is told from a running one.
    task_id = models.CharField(max_length=64, blank=True, default="")
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "registry_importbatch"  # moved from the registry app, data kept in place
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    @property
    def message_text(self) -> str:
        """Why the import failed, in the active language."""
        from corridor.imports.outcomes import outcome_text

        return outcome_text(self.message_code, self.message_params, self.message)


class ImportIssue(models.Model):
    """One problem found in one cell or row of an import: row, column, value, reason."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=120, blank=True)
    value = models.CharField(_("value"), max_length=300, blank=True)
    code = models.CharField(max_length=40)
    reason = models.CharField(_("reason"), max_length=500)
    severity = models.CharField(_("severity"), max_length=8)  # error | warning | skipped
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "registry_importissue"
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["batch", "severity"], name="issue_batch_sev_idx")]

    def __str__(self) -> str:
        return f"row {self.row} {self.code}"


class ImportChange(models.Model):
    """The before-image of a record an import updated, so the import can be reverted."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    record_type = models.CharField(max_length=16)  # enterprise | facts
    record_id = models.BigIntegerField(db_index=True)
    before = models.JSONField()
    after = models.JSONField(default=dict)

    class Meta:
        db_table = "registry_importchange"
        indexes = [models.Index(fields=["batch", "record_type"], name="change_batch_type_idx")]

    def __str__(self) -> str:
        return f"{self.record_type}#{self.record_id}"
