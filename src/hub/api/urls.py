from django.urls import path

from hub.api import (
    desk_v1,  # noqa: F401  (registers the desk's operations on the API)
    journal_v1,  # noqa: F401  (registers the journal and the exports on the API)
)
from hub.api.v1 import api

urlpatterns = [path("", api.urls)]
