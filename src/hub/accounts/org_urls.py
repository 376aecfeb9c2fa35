"""The members page of an organization (under /o/<slug>/members/)."""

from django.urls import path

from hub.accounts import views

urlpatterns = [
    path("", views.members, name="members"),
    path("add/", views.member_add_view, name="member-add"),
    path("<int:membership_id>/role/", views.member_role_view, name="member-role"),
    path("<int:membership_id>/remove/", views.member_remove_view, name="member-remove"),
    path("invitations/<int:invitation_id>/resend/", views.invitation_resend_view, name="invitation-resend"),
    path("invitations/<int:invitation_id>/cancel/", views.invitation_cancel_view, name="invitation-cancel"),
]
