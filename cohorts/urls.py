from django.urls import path

from cohorts import views, views_programmes

app_name = "cohorts"

urlpatterns = [
    path("", views.cohort_list, name="cohort_list"),
    path("teams/", views.my_teams, name="my_teams"),
    path("programmes/new/", views_programmes.programme_create, name="programme_create"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_pk>/new/", views.cohort_create, name="cohort_create"),
    path("<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("<int:pk>/next/", views.cohort_copy, name="cohort_copy"),
    path("<int:pk>/copied/", views.cohort_copied, name="cohort_copied"),
    path("<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("<int:pk>/challenges/", views.cohort_challenges, name="cohort_challenges"),
    path(
        "<int:pk>/challenges/<int:challenge_pk>/",
        views.cohort_challenge_toggle,
        name="cohort_challenge_toggle",
    ),
    path("<int:cohort_pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/", views.milestone_status, name="milestone_status"),
    path("<int:cohort_pk>/enrol/", views.enrolment_request, name="enrolment_request"),
    path("<int:cohort_pk>/schools/", views.enrolment_list, name="enrolment_list"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/decide/", views.enrolment_decide, name="enrolment_decide"),
    path(
        "enrolments/<int:pk>/disciplines/",
        views.enrolment_disciplines,
        name="enrolment_disciplines",
    ),
    path("enrolments/<int:pk>/invite/", views.student_invite, name="student_invite"),
    path("enrolments/<int:pk>/import/", views.student_import, name="student_import"),
    path(
        "enrolments/<int:pk>/import/template.csv",
        views.student_import_template,
        name="student_import_template",
    ),
    path("<int:cohort_pk>/teams/", views.team_list, name="team_list"),
    path("<int:cohort_pk>/teams/new/", views.team_create, name="team_create"),
    path("<int:cohort_pk>/teams/propose/", views.team_propose, name="team_propose"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/members/", views.team_member_add, name="team_member_add"),
    path(
        "teams/<int:pk>/members/<int:member_pk>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("teams/<int:pk>/status/", views.team_status, name="team_status"),
    path("teams/<int:pk>/challenge/", views.team_challenge, name="team_challenge"),
    path("teams/<int:pk>/coach/", views.team_coach, name="team_coach"),
    path("teams/<int:team_pk>/scenario/", views.scenario_edit, name="scenario_edit"),
    path("teams/<int:team_pk>/scenario/<int:pk>/", views.scenario_edit, name="scenario_update"),
    path(
        "challenges/<int:challenge_pk>/scenarios/",
        views.challenge_scenarios,
        name="challenge_scenarios",
    ),
    path("scenarios/<int:pk>/select/", views.scenario_select, name="scenario_select"),
    path("scenarios/files/<int:pk>/", views.scenario_file, name="scenario_file"),
    path(
        "teams/<int:team_pk>/milestones/<int:milestone_pk>/",
        views.deliverable_detail,
        name="deliverable_detail",
    ),
    path(
        "teams/<int:team_pk>/milestones/<int:milestone_pk>/submit/",
        views.deliverable_submit,
        name="deliverable_submit",
    ),
    path(
        "teams/<int:team_pk>/milestones/<int:milestone_pk>/extend/",
        views.extension_grant,
        name="extension_grant",
    ),
    path("versions/<int:pk>/comment/", views.version_comment, name="version_comment"),
    path("files/<int:pk>/", views.deliverable_file, name="deliverable_file"),
]
