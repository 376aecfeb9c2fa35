"""Reminders before the access ends, in plain words, in-app and by e-mail (a real SMTP server): the two-year
login, the certificate's own expiry, and links that open the page where the problem is fixed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import formats, translation
from django.utils.timezone import localtime

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.wording import days_phrase
from hub.inbox.models import CompanySync
from hub.inbox.services.alarms import sync_failure_raise
from hub.integrations.ro_efactura.models import AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.services.reminders import authorizations_remind
from hub.integrations.ro_efactura.services.renewal import authorization_renew
from hub.notifications.models import Event
from tests.hub.helpers import NEW_CERT, advance_clocks, authorize_over_http, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def authorization(hub_sandbox: Any, active_module: Organization, member: User) -> SpvAuthorization:
    authorize_over_http(login(member), active_module, hub_sandbox)
    return SpvAuthorization.objects.get(status=AuthorizationStatus.ACTIVE)


def _mail_for(smtp_server: Any, user: User) -> list[Any]:
    return [item["message"] for item in smtp_server.messages if user.email in item["to"]]


def _text(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


def test_the_two_year_login_reminder_explains_the_rule_and_links_to_the_module(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User, member: User, smtp_server: Any
) -> None:
    owner.language = "en"
    owner.save()
    deadline = authorization.authorized_at + timedelta(days=730)
    while clock.now() + timedelta(days=80) < deadline - timedelta(days=27):
        advance_clocks(hub_sandbox, timedelta(days=80))
        authorization_renew(authorization_id=authorization.pk)
    advance_clocks(hub_sandbox, deadline - timedelta(days=27) - clock.now())
    assert authorizations_remind() == 1
    event = Event.objects.get(kind="authorization.expiring")
    assert event.params["limit"] == "grant_age"
    slug = authorization.organization.slug
    assert event.link == f"/o/{slug}/integrations/ro-efactura/#authorization"
    [romanian] = _mail_for(smtp_server, member)
    with translation.override("ro"):
        shown = formats.date_format(localtime(deadline), "DATE_FORMAT")
    text = _text(romanian)
    assert "expiră în curând" in romanian["Subject"]
    assert f"necesită o nouă autentificare cu certificatul până la {shown}" in text
    assert "mai sunt 27 de zile" in text
    assert "ANAF cere această autentificare cam o dată la doi ani" in text
    assert (
        f"Deschide pagina modulului RO e-Factura: http://testserver/o/{slug}/integrations/ro-efactura/"
        in text
    )
    [english] = _mail_for(smtp_server, owner)
    assert "(27 days left)" in _text(english)
    assert "about every two years" in _text(english)
    assert "Open the RO e-Factura module page" in english.get_body(("html",)).get_content()
    listing = login(member).get(f"/o/{slug}/notifications/").content.decode()
    assert "mai sunt 27 de zile" in listing
    assert f'href="/o/{slug}/integrations/ro-efactura/#authorization">Deschide pagina modulului' in listing


def test_the_certificate_expiry_is_reminded_in_app_and_by_email(
    authorization: SpvAuthorization, owner: User, member: User, smtp_server: Any
) -> None:
    slug = authorization.organization.slug
    valid_until = localtime(clock.now()).date() + timedelta(days=60)
    login(owner).post(f"/o/{slug}/integrations/ro-efactura/certificate/", {"valid_until": valid_until})
    assert authorizations_remind() == 0
    clock.advance(timedelta(days=35))  # 25 days before the certificate's last day
    assert authorizations_remind() == 1
    assert authorizations_remind() == 0  # once per distance
    event = Event.objects.get(kind="authorization.expiring")
    assert event.params["limit"] == "certificate"
    assert event.params["days"] == 25
    with translation.override("ro"):
        shown = formats.date_format(valid_until, "DATE_FORMAT")
    for user in (owner, member):
        [mail] = _mail_for(smtp_server, user)
        assert "Certificatul folosit pentru ANAF expiră în curând" in mail["Subject"]
        text = _text(mail)
        assert f"expiră pe {shown} (mai sunt 25 de zile)" in text
        assert "Obțineți noul certificat, apoi autorizați din nou cu el" in text
        assert f"http://testserver/o/{slug}/integrations/ro-efactura/#authorization" in text
    page = login(member).get(f"/o/{slug}/notifications/").content.decode()
    assert "Certificatul folosit pentru ANAF expiră în curând" in page
    module = login(member).get(f"/o/{slug}/integrations/ro-efactura/").content.decode()
    assert "Certificatul expiră pe" in module
    assert "Obțineți noul certificat, apoi autorizați din nou cu el" in module
    clock.advance(timedelta(days=12))  # 13 days left: the next distance
    assert authorizations_remind() == 1
    assert Event.objects.filter(key__endswith=":14").count() == 1
    # a corrected date is a new cause: reminded again from its own first distance
    later = valid_until + timedelta(days=10)
    login(owner).post(f"/o/{slug}/integrations/ro-efactura/certificate/", {"valid_until": later})
    assert authorizations_remind() == 1
    assert Event.objects.filter(key__startswith="certificate-expiring", key__contains=str(later)).count() == 1


def test_a_new_certificate_notice_asks_for_its_validity(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User
) -> None:
    authorize_over_http(login(owner), authorization.organization, hub_sandbox, serial=NEW_CERT)
    event = Event.objects.get(kind="authorization.certificate_changed")
    with translation.override("ro"):
        assert "notați pe pagina modulului până când este valabil noul certificat" in event.body


def test_a_sync_stopped_by_the_authorization_links_to_the_module_page(
    authorization: SpvAuthorization,
) -> None:
    company = authorization.organization.companies.first()
    assert company is not None
    state = CompanySync.objects.create(company=company, tracked_since=clock.now())
    sync_failure_raise(state_id=state.pk, code=ErrorCode.REAUTHORIZATION_REQUIRED, since=clock.now())
    event = Event.objects.get(kind="inbox.sync_failed")
    assert event.link == f"/o/{authorization.organization.slug}/integrations/ro-efactura/#authorization"
    with translation.override("ro"):
        assert event.link_label == "Deschide pagina modulului RO e-Factura"
    sync_failure_raise(state_id=state.pk, code="inbox_storage_failed", since=clock.now() + timedelta(hours=1))
    other = Event.objects.filter(kind="inbox.sync_failed").exclude(pk=event.pk).get()
    assert other.link.endswith("/inbox/sync/")
    with translation.override("ro"):
        assert other.link_label == "Deschide pagina de sincronizare"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ro", "1 martie 2027"), ("en", "March 1, 2027")],
)
def test_months_are_written_as_the_language_writes_them(language: str, expected: str) -> None:
    with translation.override(language):
        assert formats.date_format(date(2027, 3, 1), "DATE_FORMAT") == expected


@pytest.mark.parametrize(
    ("count", "romanian", "english"),
    [
        (1, "1 zi", "1 day"),
        (7, "7 zile", "7 days"),
        (27, "27 de zile", "27 days"),
        (101, "101 zile", "101 days"),
    ],
)
def test_days_follow_the_plural_rules(count: int, romanian: str, english: str) -> None:
    with translation.override("ro"):
        assert days_phrase(count) == romanian
    with translation.override("en"):
        assert days_phrase(count) == english
