from django.urls import path

from curiouslab.proconnect import views

urlpatterns = [
    path("proconnect/<str:provider_id>/login/", views.login, name="proconnect_login"),
    path(
        "proconnect/<str:provider_id>/login/callback/", views.callback, name="proconnect_callback"
    ),
]
