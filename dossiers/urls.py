"""URLs of the generated documents, under /ho-so-van-ban/ (config/urls.py). Files are served only
through `download`, which checks permission; nothing is under a public media URL."""
from django.urls import path

from dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("dot/<int:round_id>/", views.round_dossiers, name="round"),
    path("dot/<int:round_id>/buoc/<int:order>/don-vi/<int:unit_id>/", views.stage_dossier, name="stage"),
    path("dot/<int:round_id>/buoc/<int:order>/don-vi/<int:unit_id>/ngay-to-trinh/", views.to_trinh_date, name="to_trinh_date"),
    path("ho-so/<int:nomination_id>/bao-cao-thanh-tich/", views.nomination_report, name="nomination_report"),
    path("van-ban/<int:pk>/", views.build_status, name="status"),
    path("van-ban/<int:pk>/trang-thai.json", views.build_status_json, name="status_json"),
    path("van-ban/<int:pk>/tai-ve/", views.download, name="download"),
]
