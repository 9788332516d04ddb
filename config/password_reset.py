"""Password reset with a throttle: at most PASSWORD_RESET_PER_ADDRESS mails an hour to one e-mail
address and PASSWORD_RESET_PER_IP requests an hour from one client (config.client_ip), counted in
the cache. Over the limit no mail is sent, and the answer is the same page as always, so that the
form reveals neither whether an account exists nor that the throttle applies. A mail server that
is down is logged, never shown as an error page (it would also reveal the account)."""
from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpResponseRedirect

from config.client_ip import client_ip

logger = logging.getLogger(__name__)

WINDOW = 3600  # seconds


def _key(kind: str, value: str) -> str:
    return f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count(key: str) -> int:
    cache.add(key, 0, WINDOW)  # the window starts at the first request
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)
        return 1


def allowed(*, email: str, ip: str) -> bool:
    """Count this request and say whether a mail may go out."""
    by_ip = _count(_key("ip", ip))
    by_address = _count(_key("email", email.strip().lower()))
    return by_ip <= settings.PASSWORD_RESET_PER_IP and by_address <= settings.PASSWORD_RESET_PER_ADDRESS


def forget(*, email: str = "", ip: str = ""):
    """Clear the counts (tests, an administrator helping a user)."""
    if email:
        cache.delete(_key("email", email.strip().lower()))
    if ip:
        cache.delete(_key("ip", ip))


class QuietPasswordResetForm(PasswordResetForm):
    def send_mail(self, *args, **kwargs):
        try:
            super().send_mail(*args, **kwargs)
        except Exception:  # noqa: BLE001 - SMTP down: the same page; the log says what happened
            logger.exception("Password reset mail could not be sent")


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    form_class = QuietPasswordResetForm

    def form_valid(self, form):
        ip = client_ip(self.request)
        if not allowed(email=form.cleaned_data["email"], ip=ip):
            logger.warning("Password reset throttled for a request from %s", ip)
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
