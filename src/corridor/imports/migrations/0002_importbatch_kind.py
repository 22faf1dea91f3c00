"""Every import says which domain's importer it belongs to; the ones before this were enterprise imports."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("registry", "0002_import_models_move_to_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="kind",
            field=models.CharField(
                db_index=True, default="enterprises", max_length=24, verbose_name="kind"
            ),
        ),
    ]
