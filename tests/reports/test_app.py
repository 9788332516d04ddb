"""The reports app: its model keeps the table it had in nominations, its tasks the names they were
registered under, and the content type of export jobs (permissions granted, the admin's history)
moves with the model."""
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from config.celery import app as celery_app
from reports.models import ExportJob
from reports.tasks import task_delete_old_exports, task_export_award_list


def test_export_job_belongs_to_reports_on_its_old_table():
    assert (ExportJob._meta.app_label, ExportJob._meta.db_table) == ("reports", "nominations_exportjob")
    with pytest.raises(LookupError):
        apps.get_model("nominations", "ExportJob")


def test_tasks_keep_the_names_queued_messages_and_beat_use():
    assert task_export_award_list.name == "nominations.exports.tasks.task_export_award_list"
    assert task_delete_old_exports.name == "nominations.tasks.task_delete_old_exports"
    celery_app.loader.import_default_modules()  # what a worker imports: reports/tasks.py among them
    assert {task_export_award_list.name, task_delete_old_exports.name} <= set(celery_app.tasks)


@pytest.mark.django_db
def test_migration_moves_the_content_type_to_reports():
    move = importlib.import_module("nominations.migrations.0008_exportjob_to_reports")
    editor = SimpleNamespace(connection=connection)
    ContentType.objects.filter(model="exportjob").delete()
    old = ContentType.objects.create(app_label="nominations", model="exportjob")
    move.content_type_to_reports(apps, editor)
    old.refresh_from_db()
    assert old.app_label == "reports"
    move.content_type_to_nominations(apps, editor)
    old.refresh_from_db()
    assert old.app_label == "nominations"
