"""Reminders and alarms become events once per cause, delivered in-app and by e-mail (real SMTP)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from conftest import advance_clocks, authorize_over_http, login
from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.models import SpvAuthorization
from hub.integrations.ro_efactura.services.reminders import authorizations_remind, reminder_threshold
from hub.integrations.ro_efactura.services.renewal import RenewalTransientError, authorization_renew
from hub.notifications.models import Event, Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def authorization(hub_sandbox: Any, active_module: Organization, member: User) -> SpvAuthorization:
    authorize_over_http(login(member), active_module, hub_sandbox)
    return SpvAuthorization.objects.get()


@pytest.mark.parametrize(
    ("days_left", "expected"), [(40, None), (30, 30), (20, 30), (14, 14), (7, 7), (2, 3), (0, 1)]
)
def test_reminder_thresholds(days_left: int, expected: int | None) -> None:
    assert reminder_threshold(days_left) == expected


def test_it_reminds_before_the_horizon_once_per_distance_in_both_languages(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User, member: User, smtp_server: Any
) -> None:
    owner.language = "en"
    owner.save()
    assert authorizations_remind() == 0
    until_horizon = authorization.reauthorize_by - authorization.authorized_at
    advance_clocks(hub_sandbox, until_horizon - timedelta(days=29, hours=12))
    assert authorizations_remind() == 1
    assert authorizations_remind() == 0  # same cause: never twice
    event = Event.objects.get(kind="authorization.expiring")
    assert event.key.endswith(":30")
    assert set(event.recipient_ids) == {owner.pk, member.pk}  # admin + the person who authorized
    by_address = {item["to"][0]: item["message"] for item in smtp_server.messages}
    assert set(by_address) == {owner.email, member.email}
    romanian, english = by_address[member.email], by_address[owner.email]
    assert "expiră în curând" in romanian["Subject"]
    assert "expires soon" in english["Subject"]
    html = english.get_body(("html",)).get_content()
    assert "/o/" in html
    assert "/integrations/ro-efactura/" in html
    assert "necesită o nouă autentificare" in romanian.get_body(("plain",)).get_content()
    advance_clocks(hub_sandbox, timedelta(days=17))
    assert authorizations_remind() == 1
    assert Event.objects.get(key__endswith=":14")


def test_the_in_app_list_shows_and_marks_as_read(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User, outsider: User
) -> None:
    advance_clocks(
        hub_sandbox, authorization.refresh_expires_at - authorization.authorized_at + timedelta(days=1)
    )
    authorization_renew(authorization_id=authorization.pk)
    client = login(owner)
    slug = authorization.organization.slug
    page = client.get(f"/o/{slug}/integrations/").content.decode()
    assert 'class="count"' in page
    assert ">1<" in page
    listing = client.get(f"/o/{slug}/notifications/").content.decode()
    assert "nu a putut fi reînnoită" in listing
    assert "E-mail trimis" in listing
    notification = Notification.objects.get(recipient=owner, channel="in_app")
    assert login(outsider).post(f"/o/{slug}/notifications/{notification.pk}/read/").status_code == 404
    assert client.post(f"/o/{slug}/notifications/{notification.pk}/read/").status_code == 200
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert 'class="count"' not in client.get(f"/o/{slug}/integrations/").content.decode()


def test_an_authorization_unusable_for_24_hours_raises_an_alarm(
    hub_sandbox: Any, authorization: SpvAuthorization
) -> None:
    advance_clocks(hub_sandbox, timedelta(days=85))
    hub_sandbox.add_faults({"path": "/anaf-oauth2/v1/token", "kind": "http_502", "count": 50})
    with pytest.raises(RenewalTransientError):
        authorization_renew(authorization_id=authorization.pk)
    assert authorizations_remind() == 0
    advance_clocks(hub_sandbox, timedelta(hours=25))
    assert authorizations_remind() == 1
    assert Event.objects.filter(kind="authorization.unusable").count() == 1


def test_lost_rights_raise_a_notice(hub_sandbox: Any, authorization: SpvAuthorization, owner: User) -> None:
    """GIVEN a CIF with rights WHEN ANAF starts answering "no rights" for it THEN a notice is raised."""
    from hub.integrations.ro_efactura.models import CompanyAccess

    access = CompanyAccess.objects.get(company__cif="31500030")
    access.has_rights = True  # as if it had rights at the last check
    access.save()
    response = login(owner).post(
        f"/o/{authorization.organization.slug}/integrations/ro-efactura/rights/check/"
    )
    assert response.status_code == 200
    event = Event.objects.get(kind="authorization.rights_lost")
    assert event.params["cif"] == "31500030"


def test_an_smtp_failure_is_retried_without_resending(
    hub_sandbox: Any, authorization: SpvAuthorization, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    from hub.notifications.services import event_dispatch

    advance_clocks(
        hub_sandbox, authorization.refresh_expires_at - authorization.authorized_at + timedelta(days=1)
    )
    from celery.exceptions import Retry

    with pytest.raises(Retry):
        authorization_renew(authorization_id=authorization.pk)
    email = Notification.objects.filter(channel="email").first()
    assert email is not None
    assert email.sent_at is None
    assert "SMTP" in email.last_error
    owner = email.recipient
    page = login(owner).get(f"/o/{authorization.organization.slug}/notifications/").content.decode()
    assert "E-mail nelivrat" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    assert event_dispatch(event_id=email.event_id) == []
    assert event_dispatch(event_id=email.event_id) == []
    assert len(mail.outbox) == Notification.objects.filter(channel="email").count()
