from django.urls import path

from hub.webhooks import views

urlpatterns = [
    path("", views.webhook_list, name="webhooks"),
    path("<int:endpoint_id>/delete/", views.webhook_delete, name="webhook-delete"),
]
