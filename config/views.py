"""Project-level error handlers (config/urls.py names them)."""
import sys

from django.views import defaults

from config.middleware import database_unavailable_response, is_database_unavailable


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page when the database is unreachable, Django's 500 otherwise.

    DatabaseUnavailableMiddleware catches errors raised by views; this catches those raised by a
    middleware (a session saved while PostgreSQL is down). Django calls the handler inside its
    `except` block, so the exception is still in sys.exc_info().
    """
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        return database_unavailable_response()
    return defaults.server_error(request, template_name)
