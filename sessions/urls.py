from django.urls import path

from sessions import views

app_name = "sessions"

urlpatterns = [
    path("", views.my_sessions, name="mine"),
    path("cohort/<int:cohort_id>/", views.cohort_calendar, name="cohort_calendar"),
    path("cohort/<int:cohort_id>/new/", views.session_create_view, name="create"),
    path(
        "cohort/<int:cohort_id>/attendance/", views.attendance_rates_view, name="attendance_rates"
    ),
    path(
        "cohort/<int:cohort_id>/attendance/summary/",
        views.attendance_summary_panel,
        name="attendance_summary",
    ),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("<int:pk>/session.ics", views.session_ics, name="ics"),
    path("<int:pk>/material/", views.material_upload, name="material_upload"),
    path(
        "<int:pk>/material/<int:material_id>/",
        views.material_download,
        name="material_download",
    ),
    path("<int:pk>/attendance/", views.attendance_sheet, name="attendance"),
    path(
        "<int:pk>/attendance/<int:user_id>/",
        views.attendance_toggle,
        name="attendance_toggle",
    ),
    path("<int:pk>/check-in/", views.checkin_code, name="checkin_code"),
    path("<int:pk>/check-in/<str:token>/", views.checkin, name="checkin"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/regenerate/", views.feed_regenerate_view, name="feed_regenerate"),
    path("feed/revoke/", views.feed_revoke_view, name="feed_revoke"),
    path("coaching/", views.coaching_list, name="coaching_list"),
    path("coaching/team/<int:team_id>/", views.coaching, name="coaching"),
    path("coaching/answer/<int:entry_id>/", views.coaching_answer_view, name="coaching_answer"),
]
