"""Open data, public (no login), mounted at /du-lieu-mo/ by config/urls.py:
/du-lieu-mo/<campaign>/<round>.csv and .json once the round has an award decision (404 before)."""
from django.urls import path

from reports.views import exports

urlpatterns = [
    path("", exports.open_data_index, name="open_data_index"),
    path("<slug:campaign_code>/<slug:round_code>.csv", exports.open_data_csv, name="open_data_csv"),
    path("<slug:campaign_code>/<slug:round_code>.json", exports.open_data_json, name="open_data_json"),
]
