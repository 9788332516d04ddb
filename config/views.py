"""Project-level error handlers (config/urls.py names them)."""
import sys

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.template.defaultfilters import filesizeformat
from django.template import loader
from django.utils.translation import gettext as _
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


# What went wrong, said to the user, by the kind of refused request (SuspiciousOperation subclasses
# Django turns into a 400). Anything else: the general sentence of 400.html.
def _bad_request_reason(exception) -> str:
    from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, TooManyFieldsSent):
        return _("Biểu mẫu gửi lên có quá nhiều trường. Hãy chọn ít hồ sơ hơn trong một lần gửi, hoặc báo cho quản trị viên của cổng.")
    if isinstance(exception, TooManyFilesSent):
        return _("Biểu mẫu gửi lên có quá nhiều tệp. Hãy gửi ít tệp hơn trong một lần.")
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _("Dữ liệu gửi lên quá lớn (phần chữ của biểu mẫu tối đa %(limit)s). Hãy rút gọn nội dung rồi gửi lại.") % {"limit": limit}
    if isinstance(exception, DisallowedHost):
        return _("Địa chỉ (tên miền) đã dùng để mở trang không thuộc cổng thông tin này. Hãy mở cổng bằng địa chỉ chính thức.")
    return ""


def bad_request(request, exception=None, template_name="400.html"):
    """handler400: the Vietnamese 400 page, for every request Django refuses as suspicious (a
    foreign Host header, too many fields, a form over the memory limit) or malformed.

    Rendered without the request, as Django's own handler does: after DisallowedHost even
    request.get_host() raises, and after TooManyFieldsSent the form data cannot be read again, so
    nothing that reads the request (context processors, the user) may run."""
    html = loader.render_to_string(template_name, {"reason": _bad_request_reason(exception)})
    return HttpResponseBadRequest(html)
