"""The calls for projects, mounted at ``appels/``: the coordinator's, the applicant's and the
expert's pages, the public call page and the receipt check."""

from django.urls import path

from calls import views

app_name = "calls"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/<int:programme_pk>/new/", views.call_create, name="call_create"),
    path("<int:pk>/", views.call_manage, name="call_manage"),
    path("<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("<int:pk>/publish/", views.call_publish, name="call_publish"),
    path("<int:pk>/experts/", views.experts, name="experts"),
    path("<int:pk>/assignments/", views.assignments, name="assignments"),
    path("<int:pk>/synthesis/", views.synthesis, name="synthesis"),
    path("<int:pk>/ranking.<str:fmt>", views.ranking_export, name="ranking_export"),
    path("public/<slug:slug>/", views.call_public, name="call_public"),
    path("public/<slug:slug>/apply/", views.dossier_start, name="dossier_start"),
    path("dossiers/<int:pk>/", views.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/submit/", views.dossier_submit, name="dossier_submit"),
    path("dossiers/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "dossiers/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "dossiers/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("dossiers/<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("dossiers/<int:pk>/review/", views.dossier_review, name="dossier_review"),
    path("receipts/<str:code>/", views.receipt_verify, name="receipt_verify"),
    path("expert/", views.expert_home, name="expert_home"),
    path("expert/<int:expert_pk>/conflicts/", views.conflict_declare, name="conflict_declare"),
    path("expert/opinions/<int:pk>/", views.opinion, name="opinion"),
]
