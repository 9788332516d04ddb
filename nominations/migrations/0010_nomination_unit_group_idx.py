from django.db import migrations, models


class Migration(migrations.Migration):
    """A unit's pages (home, round page): the counts by status and stage and the first rows of each
    group read from one index, whatever the number of the unit's nominations."""

    dependencies = [
        ("nominations", "0009_nomination_person_key"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="nomination",
            index=models.Index(fields=["round", "proposing_unit", "status", "stage", "id"], name="nomination_unit_group_idx"),
        ),
    ]
