from django.urls import path

from hub.api import views

urlpatterns = [
    path("", views.api_keys, name="api-keys"),
    path("<int:key_id>/revoke/", views.api_key_revoke_view, name="api-key-revoke"),
]
