"""Pages outside any organization: creating one, following an invitation, confirming a new e-mail."""

from django.urls import path

from hub.accounts import views

urlpatterns = [
    path("organizations/new/", views.organization_new, name="organization-create"),
    path("invitation/<str:token>/", views.invitation_open, name="invitation-open"),
    # Links sent before invitations needed acceptance: they set a pending user's password.
    path("invitation/<uidb64>/<token>/", views.password_link_accept, name="invitation-accept"),
    path("account/email/confirm/<str:token>/", views.email_confirm, name="email-confirm"),
]
