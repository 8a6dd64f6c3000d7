from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path(
        "confidentialite/programmes/<slug:slug>/",
        views.programme_notice,
        name="programme_notice",
    ),
    path("confidentialite/registre/", views.register_download, name="register"),
    path("me/donnees/", views.my_data, name="my_data"),
    path("me/donnees/export/", views.export_request, name="export_request"),
    path("me/donnees/export/<int:pk>/", views.export_download, name="export_download"),
    path("me/donnees/effacer/", views.erase, name="erase"),
]
