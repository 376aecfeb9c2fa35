"""State changes for organizations, memberships and companies."""

from __future__ import annotations

from django.utils.text import slugify

from hub.accounts.cif import is_valid_cif, normalize_cif
from hub.accounts.models import Company, Membership, Organization, Role, User


class InvalidCif(ValueError):
    """The CIF fails the Romanian check digit."""


def organization_create(*, name: str, owner: User, slug: str | None = None) -> Organization:
    base = slug or slugify(name) or "org"
    candidate, counter = base, 1
    while Organization.objects.filter(slug=candidate).exists():
        counter += 1
        candidate = f"{base}-{counter}"
    organization = Organization.objects.create(name=name, slug=candidate)
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    return organization


def membership_set(*, organization: Organization, user: User, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return membership


def company_add(*, organization: Organization, cif: str, name: str = "") -> Company:
    if not is_valid_cif(cif):
        raise InvalidCif(cif)
    company, _ = Company.objects.get_or_create(
        organization=organization, cif=normalize_cif(cif), defaults={"name": name}
    )
    return company


def company_remove(*, organization: Organization, company_id: int) -> None:
    Company.objects.filter(organization=organization, pk=company_id).delete()
