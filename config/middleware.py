"""Project-wide middleware: security headers Django 5.2 does not set, the portal's language, and a
clean page when the database is unreachable."""
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE_TEMPLATE = "503.html"
RETRY_AFTER_SECONDS = 30


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Referrer-Policy, HSTS,
    nosniff and COOP come from Django's SecurityMiddleware; X-Frame-Options from its own).

    A view that needs another policy sets the header itself: it is left as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500) and _is_technical_page(response):
            # Django's debug pages are made of inline styles and scripts: keep them readable.
            return response
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def _is_technical_page(response) -> bool:
    """Django's technical 404/500 pages (DEBUG only) carry this robots tag near the top."""
    content = getattr(response, "content", b"")[:1000]  # streaming responses have no content
    return b'content="NONE,NOARCHIVE"' in content


def is_database_unavailable(exception: BaseException) -> bool:
    """PostgreSQL refusing or dropping connections (not a bad query: that is a bug, a plain 500)."""
    return isinstance(exception, (OperationalError, InterfaceError))


def database_unavailable_response() -> HttpResponse:
    """The Vietnamese 503 page, rendered without the request: no context processor may touch the
    database (request.user would load the session from it) while the database is down."""
    body = loader.get_template(DATABASE_UNAVAILABLE_TEMPLATE).render({})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """An OperationalError/InterfaceError from a view answers 503 with a page asking to retry.

    Nothing is half-written: services run each user action in one transaction, which the error
    has already rolled back. Django closes the broken connection at the end of the request, and
    the next request opens a new one, so the portal recovers by itself once PostgreSQL is back.
    Errors raised outside views (in a middleware) reach config.views.server_error, which answers
    the same page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response()


class VietnameseFirstLocaleMiddleware:
    """Every page in Vietnamese (settings.LANGUAGE_CODE) unless the user chose another of
    settings.LANGUAGES (the language cookie). Django's LocaleMiddleware follows the browser's
    Accept-Language: an officer whose browser is set to English would get Django's own messages
    ("This field is required.") in English among the portal's Vietnamese ones. Not followed here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
