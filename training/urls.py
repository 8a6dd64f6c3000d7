from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("formation/mon-parcours/", views.my_record, name="my_record"),
    path("formation/<int:cohort_pk>/modules/", views.modules, name="modules"),
    path("formation/modules/<int:pk>/", views.module_detail, name="module_detail"),
    path("formation/modules/<int:pk>/seances/", views.module_schedule, name="module_schedule"),
    path("formation/<int:cohort_pk>/parcours/", views.records, name="records"),
    path("formation/<int:cohort_pk>/agents/", views.agent_add, name="agent_add"),
    path("formation/<int:cohort_pk>/experimentations/", views.experiments, name="experiments"),
    path(
        "formation/experimentations/<int:pk>/",
        views.experiment_detail,
        name="experiment_detail",
    ),
    path("formation/experimentations/<int:pk>/tests/", views.user_test_add, name="user_test_add"),
    path(
        "formation/experimentations/<int:pk>/indicateurs/",
        views.indicator_save,
        name="indicator_save",
    ),
    path(
        "formation/experimentations/<int:pk>/evaluation/",
        views.evaluation_save,
        name="evaluation_save",
    ),
    path("formation/experimentations/<int:pk>/fiche/", views.sheet_save, name="sheet_save"),
    path(
        "formation/experimentations/<int:pk>/publication/",
        views.sheet_status,
        name="sheet_status",
    ),
    path("experimentations/<slug:slug>/", views.sheet_public, name="sheet_public"),
]
