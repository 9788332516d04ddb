# ExportJob now belongs to the reports app (reports/migrations/0001_initial.py), on the same table.
# Only the state forgets it here; the table stays. The content type follows the model, so the
# admin's history and the permissions granted on export jobs keep pointing at it.

from django.db import migrations


def content_type_to_reports(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="reports", model="exportjob").exists():
        ContentType.objects.using(db).filter(app_label="nominations", model="exportjob").update(app_label="reports")


def content_type_to_nominations(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="nominations", model="exportjob").exists():
        ContentType.objects.using(db).filter(app_label="reports", model="exportjob").update(app_label="nominations")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('nominations', '0007_list_indexes'),
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='ExportJob')],
        ),
        migrations.RunPython(content_type_to_reports, content_type_to_nominations),
    ]
