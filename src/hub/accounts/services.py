"""State changes for organizations, memberships and companies."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from hub.accounts.cif import is_valid_cif, normalize_cif
from hub.accounts.errors import MemberError, MembershipError
from hub.accounts.models import Company, Membership, Organization, Role, User
from hub.accounts.tasks import invitation_send_task

ROLE_RANK = {Role.VIEWER: 0, Role.ACCOUNTANT: 1, Role.OWNER: 2}


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


def _check_manager(actor: Membership, *, role: str | None = None, target: Membership | None = None) -> None:
    """The actor may give no role above their own, and only owners manage members."""
    if role is not None and ROLE_RANK[Role(role)] > ROLE_RANK[Role(actor.role)]:
        raise MembershipError(MemberError.ROLE_ABOVE_OWN)
    if not actor.is_admin:
        raise MembershipError(MemberError.NO_PERMISSION)
    if target is not None and target.organization_id != actor.organization_id:
        raise MembershipError(MemberError.NO_PERMISSION)


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    candidate, counter = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


def _invite_after_commit(membership: Membership, inviter: User) -> None:
    membership_id, inviter_id = membership.pk, inviter.pk
    # robust: a broker outage must not undo the membership; "Resend invitation" recovers.
    transaction.on_commit(lambda: invitation_send_task.delay(membership_id, inviter_id), robust=True)


def member_add(*, actor: Membership, email: str, role: str, language: str = "ro") -> Membership:
    """Add a person by e-mail. An unknown address gets a new user without a password and an invitation
    to set one; so does a known user who never set theirs. Anyone else is simply added."""
    _check_manager(actor, role=role)
    email = User.objects.normalize_email(email.strip())
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        if user is None:
            user = User.objects.create_user(
                username=_free_username(email), email=email, password=None, language=language
            )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(organization=actor.organization, user=user, role=role)
        except IntegrityError:
            raise MembershipError(MemberError.ALREADY_MEMBER) from None
        if not user.has_usable_password():
            _invite_after_commit(membership, actor.user)
    return membership


def _keep_an_owner(membership: Membership) -> None:
    """Refuse to take away the last owner; the owners are locked so two owners cannot demote each other."""
    if membership.role != Role.OWNER:
        return
    owners = list(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [membership.pk] or not owners:
        raise MembershipError(MemberError.LAST_OWNER)


def member_change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    _check_manager(actor, role=role, target=membership)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if ROLE_RANK[Role(membership.role)] > ROLE_RANK[Role(actor.role)]:
            raise MembershipError(MemberError.NO_PERMISSION)
        if role != Role.OWNER:
            _keep_an_owner(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def member_remove(*, actor: Membership, membership: Membership) -> None:
    _check_manager(actor, target=membership)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if ROLE_RANK[Role(membership.role)] > ROLE_RANK[Role(actor.role)]:
            raise MembershipError(MemberError.NO_PERMISSION)
        _keep_an_owner(membership)
        membership.delete()


def invitation_resend(*, actor: Membership, membership: Membership) -> None:
    _check_manager(actor, target=membership)
    if membership.user.has_usable_password():
        raise MembershipError(MemberError.NOT_PENDING)
    with transaction.atomic():
        _invite_after_commit(membership, actor.user)
