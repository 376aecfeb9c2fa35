"""Reads scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from hub.accounts.models import Company, Membership, Organization, Role, User


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
