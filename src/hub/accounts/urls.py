"""Pages outside any organization: creating one, and the invitation link that sets a password."""

from django.urls import path

from hub.accounts import views

urlpatterns = [
    path("organizations/new/", views.organization_new, name="organization-create"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation-accept"),
]
