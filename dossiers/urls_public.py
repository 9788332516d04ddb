"""The public verification page of a document's code (printed with a QR code on every document):
/xac-minh/<code>/. Included from config/urls.py without a namespace (name: dossier_verify)."""
from django.urls import path

from dossiers import views

urlpatterns = [
    path("<str:code>/", views.verify, name="dossier_verify"),
]
