"""Authentication backends for the test settings only (config/settings_test.py)."""
from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class ClientLoginAxesBackend(AxesStandaloneBackend):
    """django-axes refuses authenticate() without a request (AxesBackendRequestParameterRequired),
    and Django's test Client.login() calls it without one. Give such a call a request from
    127.0.0.1, so client.login() keeps working and a locked-out user stays locked out.

    Production keeps axes' own backend, which rejects a login path that forgets the request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
        return super().authenticate(request, username=username, password=password, **kwargs)
