"""URL map of the hub. Organization pages live under /o/<slug>/ so every view is scoped."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from hub.accounts import views as account_views
from hub.integrations.ro_efactura.urls import public_urlpatterns as ro_efactura_public
from hub.integrations.urls import kind_urlpatterns

organization_patterns = [
    path("integrations/", include(kind_urlpatterns)),
    path("integrations/", include("hub.integrations.urls")),
    path("notifications/", include("hub.notifications.urls")),
    path("inbox/", include("hub.inbox.urls")),
    path("outbox/", include("hub.outbox.urls")),
    path("desk/", include("hub.desk.urls")),
    path("webhooks/", include("hub.webhooks.urls")),
    path("api-keys/", include("hub.api.org_urls")),
    path("members/", include("hub.accounts.org_urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account_views.preferences, name="preferences"),
    path("", include("hub.accounts.urls")),
    path("o/<slug:slug>/", include(organization_patterns)),
    *ro_efactura_public,
    path("api/v1/", include("hub.api.urls")),
]
