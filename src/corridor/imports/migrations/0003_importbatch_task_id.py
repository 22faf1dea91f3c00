"""An import applied on the task queue names its job, so a job whose worker died can be told apart."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("imports", "0002_importbatch_kind")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="task_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
