"""Reminders and alarms become events once per cause, delivered in-app and by e-mail (real SMTP)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.models import SpvAuthorization
from hub.integrations.ro_efactura.services.reminders import authorizations_remind, reminder_threshold
from hub.integrations.ro_efactura.services.renewal import RenewalTransientError, authorization_renew
from hub.notifications.models import Event, Notification
from tests.hub.helpers import advance_clocks, authorize_over_http, login

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
    from hub.integrations.ro_efactura.models import AuthorizationReach

    reach = AuthorizationReach.objects.get(authorization=authorization, company__cif="31500030")
    reach.has_rights = True  # as if it had rights at the last check
    reach.save()
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
    # The e-mail's failure stays with its dispatch task (it retries); the renewal that raised it is not hurt.
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


def _raise_unusable(organization: Organization, recipient: User, key: str) -> Event:
    from django.db import transaction

    from hub.notifications.kinds import Kind
    from hub.notifications.services import event_raise

    with transaction.atomic():  # the dispatch is enqueued when this commits
        event = event_raise(
            organization=organization,
            kind=Kind.UNUSABLE,
            key=key,
            params={"since": "2026-11-20"},
            recipients=[recipient],
            link="/",
        )
    assert event is not None
    return event


def test_an_email_that_outlives_its_task_retries_is_delivered_once_by_the_safety_net(
    active_module: Organization, owner: User, smtp_server: Any, settings: Any
) -> None:
    """GIVEN the SMTP server down through the first attempt and every retry of the dispatch task
    WHEN it is back and the beat's safety net runs (twice) THEN the e-mail arrives exactly once."""
    from celery.exceptions import Retry

    from hub.core import clock
    from hub.notifications.services import events_dispatch_pending
    from hub.notifications.tasks import DeliveryFailed, event_dispatch_task, events_dispatch_pending_task

    smtp_port, settings.EMAIL_PORT = settings.EMAIL_PORT, 1  # nothing listens there
    event = _raise_unusable(active_module, owner, "test:smtp-down")  # first attempt: asks for a retry
    for retries in range(1, 6):  # eager Celery does not run retries itself: run each one
        with pytest.raises(Retry if retries < 5 else DeliveryFailed):
            event_dispatch_task.apply(args=[event.pk], retries=retries)
    email = Notification.objects.get(channel="email")
    assert (email.sent_at, email.attempts) == (None, 6)  # first attempt + 5 retries, then the task gave up
    event.refresh_from_db()
    assert event.dispatched_at is None
    settings.EMAIL_PORT = smtp_port
    assert events_dispatch_pending() == 0  # a young event is left to its own task
    clock.advance(timedelta(minutes=11))
    assert events_dispatch_pending_task.delay().get() == 1
    assert events_dispatch_pending_task.delay().get() == 0
    assert [item["to"] for item in smtp_server.messages] == [[owner.email]]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert Notification.objects.filter(channel="in_app", sent_at__isnull=False).count() == 1


@pytest.fixture
def refusing_broker() -> Any:
    """Celery really publishing, to a broker that refuses connections."""
    from hub.celery import app

    def forget_connections() -> None:  # without closing: kombu's global pools still hold them
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url, app.conf.task_publish_retry
    app.conf.task_always_eager = False
    app.conf.broker_url, app.conf.task_publish_retry = "amqp://guest:guest@127.0.0.1:1//", False
    forget_connections()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_publish_retry = saved
        app.conf.task_always_eager = True
        forget_connections()


def test_an_event_the_broker_refused_to_enqueue_is_delivered_by_the_safety_net(
    active_module: Organization, owner: User, smtp_server: Any, refusing_broker: Any
) -> None:
    from hub.core import clock
    from hub.notifications.services import events_dispatch_pending

    event = _raise_unusable(active_module, owner, "test:broker-down")  # the commit itself must not fail
    assert not Notification.objects.exists()
    clock.advance(timedelta(minutes=11))
    assert events_dispatch_pending() == 1
    assert events_dispatch_pending() == 0
    assert [item["to"] for item in smtp_server.messages] == [[owner.email]]
    assert Notification.objects.get(event=event, channel="in_app").sent_at is not None


def test_a_notification_claimed_by_another_dispatcher_is_not_sent_twice(
    active_module: Organization, owner: User, smtp_server: Any, refusing_broker: Any
) -> None:
    """A dispatcher sending right now holds a lease; a second one skips the row until the lease runs out."""
    from hub.core import clock
    from hub.notifications.services import CLAIM_LEASE, event_dispatch

    event = _raise_unusable(active_module, owner, "test:claimed")
    event_dispatch(event_id=event.pk)
    Notification.objects.filter(channel="email").update(sent_at=None, claimed_at=clock.now())
    smtp_server.messages.clear()
    assert event_dispatch(event_id=event.pk) == []
    assert smtp_server.messages == []
    event.refresh_from_db()
    assert event.dispatched_at is not None  # set by the first run; the held row is its owner's business
    clock.advance(CLAIM_LEASE + timedelta(minutes=1))
    assert event_dispatch(event_id=event.pk) == []
    assert len(smtp_server.messages) == 1
