from django.apps import AppConfig

# The apps whose models' text is cleaned on every save (campaigns.text.clean_text_fields).
PORTAL_APPS = ("campaigns", "criteria", "quotas", "nominations", "dossiers")


class CampaignsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "campaigns"
    verbose_name = "Phong trào thi đua"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import pre_save

        from campaigns.text import clean_text_fields

        for app_label in PORTAL_APPS:
            for model in apps.get_app_config(app_label).get_models():
                pre_save.connect(clean_text_fields, sender=model, dispatch_uid=f"clean_text_fields:{model._meta.label}")
