# The ExportJob model moves from the nominations app to this one. Its table keeps its name
# (nominations_exportjob, Meta.db_table): the state changes, no row is copied or altered.

import django.db.models.deletion
import reports.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campaigns', '0015_unit_import_job'),
        ('nominations', '0007_list_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ExportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(default='award_list', max_length=30, verbose_name='loại')),
                        ('filters', models.JSONField(blank=True, default=dict, verbose_name='bộ lọc')),
                        ('status', models.CharField(choices=[('pending', 'Đang chờ'), ('running', 'Đang xuất'), ('done', 'Đã xong'), ('failed', 'Không thành công')], default='pending', max_length=10, verbose_name='trạng thái')),
                        ('progress', models.PositiveIntegerField(default=0, verbose_name='số dòng đã ghi')),
                        ('total', models.PositiveIntegerField(default=0, verbose_name='tổng số dòng')),
                        ('file', models.FileField(blank=True, max_length=300, upload_to=reports.models.export_path, verbose_name='tệp')),
                        ('filename', models.CharField(blank=True, max_length=200, verbose_name='tên tệp')),
                        ('error', models.TextField(blank=True, verbose_name='lỗi')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='tạo lúc')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='bắt đầu')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='xong lúc')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người yêu cầu')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='export_jobs', to='campaigns.round', verbose_name='đợt')),
                    ],
                    options={
                        'verbose_name': 'yêu cầu xuất danh sách',
                        'verbose_name_plural': 'yêu cầu xuất danh sách',
                        'db_table': 'nominations_exportjob',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
            ],
        ),
    ]
