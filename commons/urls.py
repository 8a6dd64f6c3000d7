from django.urls import path

from commons.views import manage, public

app_name = "commons"

urlpatterns = [
    path("projets/", public.archive, name="archive"),
    path("projets/<slug:slug>/", public.project, name="project"),
    path("projets/<slug:slug>/fichiers/<int:pk>/", public.project_file, name="project_file"),
    path("projets/<slug:slug>/photo/", public.project_photo, name="project_photo"),
    path("programmes/", public.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", public.programme_detail, name="programme_detail"),
    path("publications/", manage.publication_list, name="publication_list"),
    path(
        "publications/equipes/<int:team_pk>/proposer/",
        manage.publication_propose,
        name="publication_propose",
    ),
    path("publications/<int:pk>/", manage.publication_detail, name="publication_detail"),
    path(
        "publications/<int:pk>/approuver/", manage.publication_approve, name="publication_approve"
    ),
    path("publications/<int:pk>/conditions/", manage.publication_terms, name="publication_terms"),
    path("publications/<int:pk>/statut/", manage.publication_status, name="publication_status"),
    path("publications/<int:pk>/consentement/", manage.consent, name="consent"),
    path("publications/<int:pk>/suivi/", manage.outcome_edit, name="outcome_edit"),
    path(
        "publications/<int:pk>/suivi/etapes/",
        manage.outcome_milestone_add,
        name="outcome_milestone_add",
    ),
    path(
        "publications/suivi/etapes/<int:pk>/supprimer/",
        manage.outcome_milestone_delete,
        name="outcome_milestone_delete",
    ),
]
