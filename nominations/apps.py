from django.apps import AppConfig


class NominationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "nominations"
    verbose_name = "Hồ sơ đề nghị khen thưởng"
