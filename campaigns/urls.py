"""The campaign editor (quản trị phong trào), under /quan-tri-phong-trao/."""
from django.urls import path

from campaigns import views

urlpatterns = [
    path("", views.editor_home, name="campaign_editor_home"),
    path("<slug:code>/", views.campaign_editor, name="campaign_editor"),
    path("<slug:code>/tep/", views.campaign_download, name="campaign_download"),
    path("<slug:code>/nap-tep/", views.campaign_upload, name="campaign_upload"),
    path("<slug:code>/don-vi/nhap/", views.participants_import, name="participants_import"),
    path("<slug:code>/don-vi/nhap/<int:job_id>/", views.participants_import_job, name="participants_import_job"),
    path("<slug:code>/dot-moi/", views.round_editor, name="round_create"),
    path("<slug:code>/dot/<slug:round_code>/", views.round_editor, name="round_editor"),
    path("<slug:code>/dot/<slug:round_code>/kiem-tra/", views.round_check, name="round_check"),
    path("<slug:code>/dot/<slug:round_code>/xem-truoc/", views.round_preview, name="round_preview"),
]
