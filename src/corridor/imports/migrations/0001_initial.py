"""The import models move here from the registry app: state only, the tables and their rows stay put."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("importbatch", "importissue", "importchange")


def _relabel(apps, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    """Give the moved models' content types (and so their permissions) the new app label."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _relabel(apps, "registry", "imports")


def move_content_types_back(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _relabel(apps, "imports", "registry")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0001_initial"),  # the tables were created there and stay where they are
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportBatch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("filename", models.CharField(max_length=255, verbose_name="file name")),
                        (
                            "file_sha256",
                            models.CharField(
                                db_index=True, max_length=64, verbose_name="file hash (SHA-256)"
                            ),
                        ),
                        ("file_size", models.BigIntegerField(verbose_name="file size (bytes)")),
                        ("stored_path", models.CharField(max_length=500)),
                        (
                            "sheet",
                            models.CharField(blank=True, max_length=100, verbose_name="sheet"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="uploaded at"
                            ),
                        ),
                        (
                            "source",
                            models.CharField(default="web", max_length=8, verbose_name="channel"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("uploaded", "Uploaded"),
                                    ("validated", "Validated"),
                                    ("applying", "Applying"),
                                    ("applied", "Applied"),
                                    ("failed", "Failed"),
                                    ("reverted", "Reverted"),
                                ],
                                default="uploaded",
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "mode",
                            models.CharField(
                                choices=[
                                    ("valid_rows", "Apply valid rows, report the rest"),
                                    ("all_or_nothing", "All or nothing"),
                                ],
                                default="valid_rows",
                                max_length=16,
                                verbose_name="mode",
                            ),
                        ),
                        (
                            "mapping",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="column mapping"
                            ),
                        ),
                        (
                            "options",
                            models.JSONField(blank=True, default=dict, verbose_name="options"),
                        ),
                        ("header_rows", models.JSONField(blank=True, default=list)),
                        ("rows_total", models.PositiveIntegerField(default=0)),
                        ("rows_valid", models.PositiveIntegerField(default=0)),
                        ("rows_error", models.PositiveIntegerField(default=0)),
                        ("rows_warning", models.PositiveIntegerField(default=0)),
                        ("rows_skipped", models.PositiveIntegerField(default=0)),
                        ("created_count", models.PositiveIntegerField(default=0)),
                        ("updated_count", models.PositiveIntegerField(default=0)),
                        ("facts_written", models.PositiveIntegerField(default=0)),
                        ("message", models.CharField(blank=True, max_length=500)),
                        ("applied_at", models.DateTimeField(blank=True, null=True)),
                        ("reverted_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "applied_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reverted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "import",
                        "verbose_name_plural": "imports",
                        "db_table": "registry_importbatch",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="ImportChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("record_type", models.CharField(max_length=16)),
                        ("record_id", models.BigIntegerField(db_index=True)),
                        ("before", models.JSONField()),
                        ("after", models.JSONField(default=dict)),
                        (
                            "batch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="changes",
                                to="imports.importbatch",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "registry_importchange",
                        "indexes": [
                            models.Index(
                                fields=["batch", "record_type"], name="change_batch_type_idx"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ImportIssue",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("row", models.PositiveIntegerField(verbose_name="row")),
                        (
                            "column",
                            models.CharField(blank=True, max_length=120, verbose_name="column"),
                        ),
                        (
                            "value",
                            models.CharField(blank=True, max_length=300, verbose_name="value"),
                        ),
                        ("code", models.CharField(max_length=40)),
                        ("reason", models.CharField(max_length=500, verbose_name="reason")),
                        ("severity", models.CharField(max_length=8, verbose_name="severity")),
                        ("params", models.JSONField(blank=True, default=dict)),
                        (
                            "batch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="issues",
                                to="imports.importbatch",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "registry_importissue",
                        "ordering": ["row", "id"],
                        "indexes": [
                            models.Index(fields=["batch", "severity"], name="issue_batch_sev_idx")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
