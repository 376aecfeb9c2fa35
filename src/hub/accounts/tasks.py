"""Invitation and e-mail confirmation messages leave from tasks, after the commit; SMTP failures are retried.

The one-time token is made inside the task, so it travels only in the e-mail, never through the broker.
"""

from __future__ import annotations

import logging

from celery import shared_task

from hub.accounts.emails import email_change_email, invitation_email
from hub.accounts.models import Invitation, User
from hub.accounts.tokens import invitation_new_token

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def invitation_send_task(self, invitation_id: int) -> None:  # type: ignore[no-untyped-def]
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return  # cancelled or accepted meanwhile
    try:
        invitation_email(invitation=invitation, token=invitation_new_token(invitation))
    except OSError as exc:  # SMTP errors and refused connections; the link itself is never logged
        log.warning("invitation e-mail %s failed: %s", invitation_id, exc.__class__.__name__)
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from None


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def email_change_send_task(self, user_id: int, new_email: str) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    try:
        email_change_email(user=user, new_email=new_email)
    except OSError as exc:
        log.warning("e-mail confirmation for user %s failed: %s", user_id, exc.__class__.__name__)
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from None
