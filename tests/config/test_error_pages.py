"""Error pages in Vietnamese, and a clean 503 when PostgreSQL refuses connections."""
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

DB_MESSAGE = "Hệ thống đang bận hoặc mất kết nối cơ sở dữ liệu, vui lòng thử lại sau ít phút"


def _stub(request):
    return HttpResponse("stub")


def _database_refuses(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def _connection_closed(request):
    raise InterfaceError("connection already closed")


def _half_written(request):
    """A service writing inside its transaction when the connection drops."""
    with transaction.atomic():
        get_user_model().objects.create_user(username="viet-do-dang")
        raise OperationalError("server closed the connection unexpectedly")


def _forbidden(request):
    raise PermissionDenied


def _bug(request):
    raise ValueError("a bug, not the database")


class _FailingMiddleware:
    """Stands for a middleware that reaches the database (a session save) while it is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/middleware-db/":
            raise OperationalError("could not connect to server")
        return self.get_response(request)


# The URL names base.html and the error pages use; the real views live elsewhere.
urlpatterns = [
    path("", _stub, name="home"),
    path("dang-nhap/", _stub, name="login"),
    path("dang-xuat/", _stub, name="logout"),
    path("db/", _database_refuses),
    path("db-closed/", _connection_closed),
    path("db-half/", _half_written),
    path("cam/", _forbidden),
    path("loi/", _bug),
    path("middleware-db/", _stub),
]
handler500 = "config.views.server_error"


def _text(response):
    return response.content.decode()


# --- the database is unreachable ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/db/", "/db-closed/"])
def test_database_error_gives_vietnamese_503(client, url):
    response = client.get(url)
    assert response.status_code == 503
    assert DB_MESSAGE in _text(response)
    assert response["Retry-After"] == "30"
    assert "5432" not in _text(response)  # nothing technical shown


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls(__name__)
def test_database_error_leaves_nothing_half_written(client):
    response = client.get("/db-half/")
    assert response.status_code == 503
    assert not get_user_model().objects.filter(username="viet-do-dang").exists()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_database_error_in_a_middleware_gives_the_same_503(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}._FailingMiddleware"]
    response = Client(raise_request_exception=False).get("/middleware-db/")
    assert response.status_code == 503
    assert DB_MESSAGE in _text(response)


@pytest.mark.django_db
def test_database_down_for_a_logged_in_user_on_a_real_page(client):
    """The session and the user are in the database: the 503 page must not need them."""
    user = get_user_model().objects.create_user(username="canbo.thanhhoa", password="Mat-khau-dai-2025!")
    client.force_login(user)
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("Connection refused")):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert DB_MESSAGE in _text(response)
    # Once PostgreSQL answers again, the same session goes on.
    assert client.get(reverse("home")).status_code == 200


# --- other errors ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_other_server_errors_give_the_vietnamese_500():
    response = Client(raise_request_exception=False).get("/loi/")
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in _text(response)
    assert DB_MESSAGE not in _text(response)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_forbidden_page_in_vietnamese(client):
    response = client.get("/cam/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in _text(response)
    assert '<html lang="vi">' in _text(response)


@pytest.mark.django_db
def test_not_found_page_in_vietnamese_for_anonymous_and_logged_in(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in _text(response)
    user = get_user_model().objects.create_user(username="canbo.ninhthuan", first_name="An", last_name="Nguyễn")
    client.force_login(user)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in _text(response)
    assert user.get_full_name() in _text(response)


@pytest.mark.parametrize("template, text", [("500.html", "Đã có lỗi xảy ra"), ("503.html", DB_MESSAGE)])
def test_server_error_templates_render_without_a_request(template, text):
    """Django renders 500.html with no request, hence no user: base.html must cope."""
    html = render_to_string(template)
    assert text in html
    assert "Đăng xuất" not in html
