from django.urls import path

from hub.api import (
    desk_v1,  # noqa: F401  (registers the desk's operations on the API)
    journal_v1,  # noqa: F401  (registers the journal, the completeness and the exports on the API)
    outbox_v1,  # noqa: F401  (registers the issued invoice's PDF and the buyer messages on the API)
)
from hub.api.v1 import api

urlpatterns = [path("", api.urls)]
