from django.urls import path

from opendata.api import api

urlpatterns = [path("api/v1/", api.urls)]
