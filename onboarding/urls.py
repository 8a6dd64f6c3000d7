from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("demarrer/", views.request_create, name="request_create"),
    path("demarrer/merci/", views.request_sent, name="request_sent"),
    path("plateforme/", views.platform_home, name="platform_home"),
    path("plateforme/demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("plateforme/demandes/<int:pk>/approuver/", views.request_approve, name="request_approve"),
    path("plateforme/demandes/<int:pk>/refuser/", views.request_reject, name="request_reject"),
]
