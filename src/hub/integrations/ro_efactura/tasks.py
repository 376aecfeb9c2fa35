"""Celery tasks of the module: each takes ids, calls one service, owns its retry policy."""

from __future__ import annotations

from celery import shared_task

from hub.accounts.models import Organization
from hub.integrations.ro_efactura.services.authorization import oauth_states_purge
from hub.integrations.ro_efactura.services.reminders import authorizations_remind
from hub.integrations.ro_efactura.services.renewal import (
    RenewalTransientError,
    authorization_renew,
    authorizations_due,
)
from hub.integrations.ro_efactura.services.rights import company_rights_check


@shared_task
def authorizations_renew_due_task() -> int:
    """Beat: enqueue a renewal for each authorization whose access token is within the lead time."""
    due = authorizations_due()
    for authorization_id in due:
        authorization_renew_task.delay(authorization_id)
    return len(due)


@shared_task(
    autoretry_for=(RenewalTransientError,),
    retry_backoff=60,
    retry_backoff_max=6 * 3600,
    retry_jitter=True,
    max_retries=8,
)
def authorization_renew_task(authorization_id: int, force: bool = False) -> str:
    return str(authorization_renew(authorization_id=authorization_id, force=force))


@shared_task
def authorizations_remind_task() -> int:
    """Beat: expiry reminders and "unusable" alarms; also forgets stale one-time OAuth states."""
    oauth_states_purge()
    return authorizations_remind()


@shared_task
def company_rights_check_task(organization_id: int) -> None:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        company_rights_check(organization=organization)
