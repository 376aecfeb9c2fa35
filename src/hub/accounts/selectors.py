"""Reads scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from hub.accounts.models import Company, Invitation, Membership, Organization, Role, User


def organizations_for(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user).order_by("name")


def membership_get(*, user: User, slug: str) -> Membership:
    """The user's membership in the organization `slug`, or 404 (an outsider learns nothing)."""
    membership = (
        Membership.objects.select_related("organization").filter(user=user, organization__slug=slug).first()
    )
    if membership is None:
        raise Http404("organization")
    return membership


def companies_of(organization: Organization) -> QuerySet[Company]:
    return Company.objects.filter(organization=organization)


def admins_of(organization: Organization) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organization=organization, memberships__role=Role.OWNER, is_active=True
    )


def members_of(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )


def membership_of(*, organization: Organization, membership_id: int) -> Membership:
    """A membership of this organization, or 404 (ids of other organizations do not exist here)."""
    return get_object_or_404(members_of(organization), pk=membership_id)


def pending_invitations_of(organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organization=organization, accepted_at__isnull=True).order_by("email")
