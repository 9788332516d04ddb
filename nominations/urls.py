"""URLs of the nominations app. Names are not namespaced ('home', 'nomination_detail',
'review_queue', ...): e-mails link to /ho-so/<pk>/."""
from django.urls import path

from nominations import views
from nominations.views import review, unit

urlpatterns = [
    # --- The unit officer's side (and the shared nomination detail page) ---------------------------
    path("", views.home, name="home"),
    path("dot/<int:round_id>/", unit.unit_round, name="unit_round"),
    path("dot/<int:round_id>/dang-ky/", unit.unit_register, name="unit_register"),
    path("dot/<int:round_id>/ho-so/moi/", unit.nomination_create, name="nomination_create"),
    path("dot/<int:round_id>/hoi-dong/", unit.unit_council, name="unit_council"),
    path("ho-so/<int:pk>/", unit.nomination_detail, name="nomination_detail"),
    path("ho-so/<int:pk>/sua/", unit.nomination_edit, name="nomination_edit"),
    path("ho-so/<int:pk>/gui/", unit.nomination_submit, name="nomination_submit"),
    path("ho-so/<int:pk>/rut/", unit.nomination_withdraw, name="nomination_withdraw"),
    path("ho-so/<int:pk>/xoa/", unit.nomination_delete, name="nomination_delete"),
    path("ho-so/<int:pk>/minh-chung/", unit.nomination_evidence, name="nomination_evidence"),
    path("minh-chung/<int:pk>/tai/", unit.evidence_download, name="evidence_download"),
    path("api/tieu-chi/danh-gia/", unit.criteria_evaluate, name="criteria_evaluate"),
    # --- end of the unit officer's side ------------------------------------------------------------
    # --- The review side (nominations/views/review.py) ---------------------------------------------
    # Checked by the review engineer: names, arguments and paths match nominations/views/review.py
    # and templates/nominations/review/ (tests/nominations/test_views_review.py).
    path("xet/", review.review_home, name="review_home"),
    path("xet/<int:round_id>/<int:order>/", review.review_queue, name="review_queue"),
    path("xet/<int:round_id>/<int:order>/duyet-nhieu/", review.review_bulk_preview, name="review_bulk_preview"),
    path("xet/<int:round_id>/<int:order>/duyet-nhieu/xac-nhan/", review.review_bulk_confirm, name="review_bulk_confirm"),
    path("xet/<int:round_id>/<int:order>/hoi-dong/", review.review_council, name="review_council"),
    path("xet/<int:round_id>/<int:order>/gia-han/", review.review_extensions, name="review_extensions"),
    path("xet/ho-so/<int:pk>/chap-thuan/", review.review_approve, name="review_approve"),
    path("xet/ho-so/<int:pk>/tra-lai/", review.review_return, name="review_return"),
    path("xet/ho-so/<int:pk>/khong-chap-thuan/", review.review_reject, name="review_reject"),
    path("xet/ho-so/<int:pk>/tieu-chi/<int:value_id>/danh-gia/", review.review_judge, name="review_judge"),
    path("xet/ho-so/<int:pk>/tieu-chi/danh-gia/", review.review_judge_all, name="review_judge_all"),
    path("xet/dot/<int:round_id>/quyet-dinh/", review.review_decision, name="review_decision"),
    path("xet/dot/<int:round_id>/quyet-dinh/<int:decision_id>/", review.review_decision_detail, name="review_decision_detail"),
]
