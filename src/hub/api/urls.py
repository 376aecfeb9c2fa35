from django.urls import path

from hub.api.v1 import api

urlpatterns = [path("", api.urls)]
