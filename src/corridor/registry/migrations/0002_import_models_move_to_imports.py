"""The import models leave for the imports app (state only: their tables and rows stay where they are)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="importbatch",
                    name="applied_by",
                ),
                migrations.RemoveField(
                    model_name="importbatch",
                    name="reverted_by",
                ),
                migrations.RemoveField(
                    model_name="importbatch",
                    name="uploaded_by",
                ),
                migrations.AlterField(
                    model_name="enterprise",
                    name="created_by_import",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="imports.importbatch",
                    ),
                ),
                migrations.AlterField(
                    model_name="enterpriseyearfacts",
                    name="created_by_import",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="imports.importbatch",
                    ),
                ),
                migrations.RemoveField(
                    model_name="importchange",
                    name="batch",
                ),
                migrations.DeleteModel(
                    name="ImportIssue",
                ),
                migrations.DeleteModel(
                    name="ImportBatch",
                ),
                migrations.DeleteModel(
                    name="ImportChange",
                ),
            ],
            database_operations=[],
        ),
    ]
