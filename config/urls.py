from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from config.health import healthz
from config.password_reset import ThrottledPasswordResetView

# Accounts: Django's auth views with Vietnamese templates in templates/registration/.
account_patterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    # Health of the database, Redis and workers: public, for the container check and the proxy.
    path("healthz/", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the static file (WhiteNoise),
    # its URL resolved at the first request (a manifest storage needs collectstatic first).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=True), name="favicon"),
    path("admin/", admin.site.urls),
    # The language switcher (base.html): Django's set_language view, POST with CSRF; Vietnamese by default.
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include(account_patterns)),
    path("bao-cao/", include("reports.urls")),
    path("du-lieu-mo/", include("reports.urls_open_data")),
    path("ho-so-van-ban/", include("dossiers.urls")),
    path("quan-tri-phong-trao/", include("campaigns.urls")),
    path("xac-minh/", include("dossiers.urls_public")),
    path("", include("nominations.urls")),
]

# A database that refuses connections answers the Vietnamese 503 page (see config/middleware.py).
handler500 = "config.views.server_error"
# Requests Django refuses (a foreign Host, too many fields, a form over the size limit): Vietnamese 400.
handler400 = "config.views.bad_request"
