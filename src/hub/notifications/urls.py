from django.urls import path

from hub.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("bell/", views.bell, name="notifications-bell"),
    path("read/", views.notification_read, name="notifications-read-all"),
    path("<int:notification_id>/read/", views.notification_read, name="notification-read"),
]
