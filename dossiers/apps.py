from django.apps import AppConfig


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dossiers"
    verbose_name = "Văn bản hồ sơ"

    def ready(self):
        from dossiers import signals  # noqa: F401  (stale marking)
