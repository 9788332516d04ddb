"""Top-level test configuration: kept minimal; fixtures live in the nearest conftest."""
from urllib.parse import urlsplit

from django.conf import settings


def pytest_report_header(config):
    """Say which database and which Celery mode this run uses (CI runs the suite twice)."""
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = urlsplit(settings.CELERY_BROKER_URL)
    celery = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else f"broker {broker.scheme}://{broker.hostname}:{broker.port}"
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"thidua: database={engine}, celery={celery}, cache={cache}"
