from django.urls import include, path

from hub.integrations import views

urlpatterns = [
    path("", views.integrations_list, name="integrations"),
    path("<str:kind>/activate/", views.integration_activate_view, name="integration-activate"),
]

# Each kind brings its own URLs under /o/<slug>/integrations/<kind>/.
kind_urlpatterns = [
    path("ro-efactura/", include("hub.integrations.ro_efactura.urls")),
]
