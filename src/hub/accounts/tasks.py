"""Invitation e-mails leave from a task, after the membership is committed; SMTP failures are retried."""

from __future__ import annotations

import logging

from celery import shared_task

from hub.accounts.emails import invitation_email
from hub.accounts.models import Membership, User

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def invitation_send_task(self, membership_id: int, inviter_id: int | None) -> None:  # type: ignore[no-untyped-def]
    membership = Membership.objects.select_related("user", "organization").filter(pk=membership_id).first()
    if membership is None or membership.user.has_usable_password():
        return  # removed meanwhile, or the person already set a password: nothing to invite to
    inviter = User.objects.filter(pk=inviter_id).first() if inviter_id else None
    try:
        invitation_email(membership=membership, inviter=inviter)
    except OSError as exc:  # SMTP errors and refused connections; the link itself is never logged
        log.warning("invitation e-mail for membership %s failed: %s", membership_id, exc.__class__.__name__)
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from None
