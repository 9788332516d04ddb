"""Reports, exports and the dashboard, mounted at /bao-cao/ by config/urls.py.
Names are not namespaced, like nominations/urls.py; each starts with 'reports_'."""
from django.urls import path

from reports.views import dashboard, exports

urlpatterns = [
    path("", dashboard.reports_home, name="reports_home"),
    path("dot/<int:round_id>/", dashboard.round_dashboard, name="reports_dashboard"),
    path("dot/<int:round_id>/xuat/", exports.export_award_list, name="reports_export"),
    path("dot/<int:round_id>/so-luong.xlsx", exports.quota_report_xlsx, name="reports_quota_xlsx"),
    path("dot/<int:round_id>/tham-gia.xlsx", exports.participation_xlsx, name="reports_participation_xlsx"),
    path("quyet-dinh/<int:decision_id>.xlsx", exports.decision_list_xlsx, name="reports_decision_xlsx"),
    path("xuat/<int:job_id>/", exports.export_job, name="reports_job"),
    path("xuat/<int:job_id>/trang-thai.json", exports.export_job_status, name="reports_job_status"),
    path("xuat/<int:job_id>/tai/", exports.export_job_download, name="reports_job_download"),
]
