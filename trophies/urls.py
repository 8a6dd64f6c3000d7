from django.urls import path

from trophies import views

app_name = "trophies"

urlpatterns = [
    path("", views.jury_list, name="jury_list"),
    path("new/", views.jury_create, name="jury_create"),
    path("<int:pk>/", views.jury_detail, name="jury_detail"),
    path("<int:pk>/edit/", views.jury_edit, name="jury_edit"),
    path("<int:pk>/jurors/", views.juror_add, name="juror_add"),
    path("<int:pk>/jurors/<int:member_pk>/remove/", views.juror_remove, name="juror_remove"),
    path("<int:pk>/finalists/", views.finalist_add, name="finalist_add"),
    path(
        "<int:pk>/finalists/<int:finalist_pk>/remove/",
        views.finalist_remove,
        name="finalist_remove",
    ),
    path("<int:pk>/criteria/new/", views.criterion_add, name="criterion_add"),
    path(
        "<int:pk>/criteria/<int:criterion_pk>/remove/",
        views.criterion_remove,
        name="criterion_remove",
    ),
    path("<int:pk>/categories/", views.category_add, name="category_add"),
    path(
        "<int:pk>/categories/<int:category_pk>/remove/",
        views.category_remove,
        name="category_remove",
    ),
    path(
        "<int:pk>/categories/<int:category_pk>/set-aside/",
        views.category_set_aside,
        name="category_set_aside",
    ),
    path("<int:pk>/status/<str:status>/", views.jury_transition, name="jury_transition"),
    path("<int:pk>/live/", views.jury_live, name="jury_live"),
    path("<int:pk>/results/", views.jury_results, name="jury_results"),
    path(
        "<int:pk>/results/projects/<int:finalist_pk>/",
        views.jury_result_sheet,
        name="jury_result_sheet",
    ),
    path(
        "<int:pk>/results/casting-vote/<int:finalist_pk>/",
        views.casting_vote,
        name="casting_vote",
    ),
    path("<int:pk>/report.pdf", views.jury_report, name="jury_report"),
    path("<int:pk>/score/", views.sheet, name="sheet"),
    path("<int:pk>/score/<int:finalist_pk>/", views.sheet_save, name="sheet_save"),
    path("<int:pk>/score/files/<int:file_pk>/", views.finalist_file, name="finalist_file"),
    path(
        "<int:pk>/score/<int:finalist_pk>/conflict/",
        views.conflict_declare,
        name="conflict_declare",
    ),
    path("<int:pk>/audience/", views.audience_vote, name="audience_vote"),
    path("<int:pk>/audience/qr/", views.audience_qr, name="audience_qr"),
]
