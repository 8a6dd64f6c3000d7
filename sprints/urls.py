from django.urls import path

from sprints import views

app_name = "sprints"

urlpatterns = [
    # Public: the registration, the participant's pass and cancellation, the agenda, the stands.
    path("<int:edition_id>/inscription/", views.register, name="register"),
    path("pass/<str:signed>/", views.participant_pass, name="pass"),
    path("annuler/<str:signed>/", views.cancel, name="cancel"),
    path("sites/<int:pk>/agenda/", views.site_agenda, name="site_agenda"),
    path("sites/<int:pk>/agenda.ics", views.site_agenda_ics, name="site_agenda_ics"),
    path("stand/<str:token>/", views.stand, name="stand"),
    path("stand/<str:token>/compte/", views.stand_count, name="stand_count"),
    # Coordinators.
    path("", views.home, name="home"),
    path("editions/<int:cohort_id>/", views.cohort_edition, name="cohort_edition"),
    path("<int:pk>/sites/", views.site_add, name="site_add"),
    path("sites/<int:pk>/defis/", views.site_challenge_add, name="site_challenge_add"),
    path("sites/<int:pk>/programme/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/", views.edition_overview, name="edition_overview"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/equipes/", views.assignment, name="assignment"),
    path("sites/<int:pk>/badges/", views.badges_request, name="badges_request"),
    path("sites/<int:pk>/badges/<int:sheet_id>/", views.badges_download, name="badges_download"),
    path("emargement/<str:token>/", views.check_in, name="check_in"),
    # The team's private page.
    path("equipes/<int:team_id>/", views.team_page, name="team"),
    path("equipes/<int:team_id>/options/", views.option_add, name="option_add"),
    path(
        "equipes/<int:team_id>/options/<int:option_id>/retenir/",
        views.option_retain,
        name="option_retain",
    ),
    path(
        "equipes/<int:team_id>/options/<int:option_id>/valider/",
        views.option_validate,
        name="option_validate",
    ),
    path("equipes/<int:team_id>/prototype/", views.prototype_upload, name="prototype_upload"),
    path(
        "equipes/<int:team_id>/prototype/<int:file_id>/",
        views.prototype_download,
        name="prototype_download",
    ),
]
