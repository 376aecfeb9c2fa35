"""State changes for organizations, memberships and companies."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from hub.accounts.cif import is_valid_cif, normalize_cif
from hub.accounts.errors import MemberError, MembershipError
from hub.accounts.models import Company, Invitation, Membership, Organization, Role, User
from hub.accounts.tasks import email_change_send_task, invitation_send_task
from hub.accounts.tokens import email_change_address, token_hash
from hub.core import clock

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


def company_remove(*, organization: Organization, company_id: int) -> bool:
    """False when the organization has no such company (another organization's id)."""
    deleted, _ = Company.objects.filter(organization=organization, pk=company_id).delete()
    return deleted > 0


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


def _send_after_commit(invitation: Invitation) -> None:
    invitation_id = invitation.pk
    # robust: a broker outage must not undo the invitation; "Resend invitation" recovers.
    transaction.on_commit(lambda: invitation_send_task.delay(invitation_id), robust=True)


def member_add(*, actor: Membership, email: str, role: str, language: str = "ro") -> Invitation:
    """Invite an address. Whether or not it has an account here, it gets the same e-mail with a one-time
    link, and nobody becomes a member before someone who received it accepts (no squatting an address,
    no telling which addresses have accounts)."""
    _check_manager(actor, role=role)
    email = User.objects.normalize_email(email.strip())
    organization = actor.organization
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise MembershipError(MemberError.ALREADY_MEMBER)
    now = clock.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(organization=organization, email__iexact=email, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            invitation = Invitation(organization=organization, email=email, created=now)
        invitation.role, invitation.language, invitation.invited_by = role, language, actor.user
        invitation.token_sha256, invitation.sent_at = token_hash(secrets.token_urlsafe(32)), now
        invitation.save()
        _send_after_commit(invitation)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The pending, unexpired invitation this link belongs to, or None."""
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(token_sha256=token_hash(token), accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return None
    if clock.now() - invitation.sent_at > timedelta(days=settings.EFACTURA_INVITATION_DAYS):
        return None
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """Whoever follows the link and is logged in (or just signed up) joins with the offered role."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if invitation is None:
            raise MembershipError(MemberError.INVITATION_INVALID)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise MembershipError(MemberError.INVITATION_INVALID)
        membership, _ = Membership.objects.get_or_create(
            organization=invitation.organization, user=user, defaults={"role": invitation.role}
        )
        invitation.accepted_at, invitation.accepted_by = clock.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_signup(*, token: str, password: str) -> Membership:
    """A person without an account accepts: the account gets the invited (now proven) address."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise MembershipError(MemberError.INVITATION_INVALID)
    if User.objects.filter(email__iexact=invitation.email, is_active=True).exists():
        raise MembershipError(MemberError.ADDRESS_HAS_ACCOUNT)
    with transaction.atomic():
        user = User.objects.create_user(
            username=_free_username(invitation.email),
            email=invitation.email,
            password=password,
            language=invitation.language,
        )
        return invitation_accept(token=token, user=user)


def invitation_resend(*, actor: Membership, invitation_id: int) -> Invitation:
    _check_manager(actor)
    invitation = Invitation.objects.filter(
        organization=actor.organization, pk=invitation_id, accepted_at__isnull=True
    ).first()
    if invitation is None:
        raise MembershipError(MemberError.NOT_PENDING)
    with transaction.atomic():
        _send_after_commit(invitation)
    return invitation


def invitation_cancel(*, actor: Membership, invitation_id: int) -> bool:
    _check_manager(actor)
    deleted, _ = Invitation.objects.filter(
        organization=actor.organization, pk=invitation_id, accepted_at__isnull=True
    ).delete()
    return deleted > 0


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


class EmailChangeError(ValueError):
    """The confirmation link is forged, expired, for another account, or the address is taken."""


def email_change_request(*, user: User, new_email: str) -> None:
    """Send a confirmation link to the new address; the account keeps its address until it is followed.
    The answer is the same whether or not the address is taken (that is only checked on confirmation)."""
    new_email = User.objects.normalize_email(new_email.strip())
    if new_email.lower() == user.email.lower():
        return
    user_id = user.pk
    transaction.on_commit(lambda: email_change_send_task.delay(user_id, new_email), robust=True)


def email_change_confirm(*, user: User, token: str) -> str:
    new_email = email_change_address(user=user, token=token)
    if new_email is None:
        raise EmailChangeError("bad, expired or used link, or another account's")
    with transaction.atomic():
        if User.objects.filter(email__iexact=new_email, is_active=True).exclude(pk=user.pk).exists():
            raise EmailChangeError("address taken")
        user.email = new_email
        user.save(update_fields=["email"])
    return new_email
