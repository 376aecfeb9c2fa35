"""Membership rule violations as codes, translated (Romanian/English) only at the edge."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class MemberError(StrEnum):
    NO_PERMISSION = "member_no_permission"
    ROLE_ABOVE_OWN = "member_role_above_own"
    LAST_OWNER = "member_last_owner"
    ALREADY_MEMBER = "member_already_member"
    NOT_PENDING = "member_not_pending"
    INVITATION_INVALID = "member_invitation_invalid"
    ADDRESS_HAS_ACCOUNT = "member_address_has_account"


MESSAGES: dict[MemberError, Promise] = {
    MemberError.NO_PERMISSION: _("Only the organization's owners / administrators can manage its members."),
    MemberError.ROLE_ABOVE_OWN: _("You cannot give a role above your own."),
    MemberError.LAST_OWNER: _(
        "The organization must keep at least one owner / administrator: make someone else owner first."
    ),
    MemberError.ALREADY_MEMBER: _("This person is already a member of the organization."),
    MemberError.NOT_PENDING: _("There is no pending invitation to resend."),
    MemberError.INVITATION_INVALID: _(
        "This link is no longer valid: it was already used or it expired. Ask an administrator of the "
        "organization to send the invitation again."
    ),
    MemberError.ADDRESS_HAS_ACCOUNT: _(
        "An account with this e-mail address already exists: log in to accept the invitation."
    ),
}


class MembershipError(Exception):
    """A service refused a change to the organization's members."""

    def __init__(self, code: MemberError) -> None:
        super().__init__(code.value)
        self.code = code


def member_message(code: MemberError) -> str:
    return str(MESSAGES[code])
