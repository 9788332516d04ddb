"""The admin's account form has one "Họ và tên" field, as Vietnamese names are written (client
test: a server-rendered form, no script involved). Django's separate Họ / Tên fields put
"Trịnh Thị Mai" back together as "Mai Trịnh Thị"."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_user_form_has_one_full_name_field_and_keeps_the_name_as_written(client):
    User = get_user_model()
    admin_user = User.objects.create_superuser("quan-tri", "qt@example.vn", "x-Unused-9")
    officer = User.objects.create_user("can-bo", "cb@example.vn", "x-Unused-9", first_name="Mai", last_name="Trịnh Thị")
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[officer.pk])
    html = client.get(url).content.decode()
    assert 'name="full_name"' in html and 'name="first_name"' not in html and 'name="last_name"' not in html
    page = client.get(url)
    data = {
        "username": "can-bo", "full_name": "  Trịnh   Thị Mai ", "email": "cb@example.vn", "is_active": "on",
        "date_joined_0": "01/01/2026", "date_joined_1": "08:00:00", "initial-date_joined_0": "01/01/2026",
        "initial-date_joined_1": "08:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, page.context and response.context["adminform"].form.errors
    officer.refresh_from_db()
    assert (officer.first_name, officer.last_name, officer.get_full_name()) == ("Trịnh Thị Mai", "", "Trịnh Thị Mai")
    assert "Trịnh Thị Mai" in client.get(reverse("admin:auth_user_changelist")).content.decode()
