"""URLs of the documents. Include this module once at the site root:
``path("", include("documents.urls"))`` gives ``/documents/…`` for the pages and the
public ``/verify/<code>/`` printed on every document, all under the ``documents`` namespace."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("documents/", views.index, name="index"),
    path("documents/mine/", views.mine, name="mine"),
    path("documents/cohort/<int:cohort_id>/", views.cohort_detail, name="cohort"),
    path("documents/cohort/<int:cohort_id>/progress/", views.progress, name="progress"),
    path("documents/cohort/<int:cohort_id>/eligibility/", views.eligibility, name="eligibility"),
    path("documents/cohort/<int:cohort_id>/issue/", views.issue, name="issue"),
    path("documents/cohort/<int:cohort_id>/settings/", views.settings_update, name="settings"),
    path("documents/cohort/<int:cohort_id>/email/", views.email, name="email"),
    path("documents/cohort/<int:cohort_id>/archive/", views.archive, name="archive"),
    path("documents/cohort/<int:cohort_id>/retry-failed/", views.retry_failed, name="retry_failed"),
    path("documents/archive/<int:pk>/", views.archive_download, name="archive_download"),
    path("documents/<int:pk>/download/", views.download, name="download"),
    path("documents/<int:pk>/retry/", views.retry, name="retry"),
    path("documents/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("documents/programme/<int:programme_id>/templates/", views.templates, name="templates"),
    path(
        "documents/programme/<int:programme_id>/templates/<str:kind>/<str:language>/",
        views.template_edit,
        name="template_edit",
    ),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
