"""Membership needs the consent of whoever controls the address: adding an e-mail always sends an invitation
(also to people who have an account), accepted only by following its link; a new e-mail address applies
only once confirmed; an address belongs to one active user. The add page tells nothing about accounts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client

from hub.accounts.models import Invitation, Membership, Organization, Role, User
from tests.hub.helpers import PASSWORD, form_once, login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Parola-Noua-Sigura-2026"


def invite(client: Client, organization: Organization, email: str, language: str = "ro") -> Any:
    """The add form sent once, as from the members page (with its one-time token)."""
    return client.post(
        f"/o/{organization.slug}/members/add/",
        {
            "email": email,
            "role": Role.ACCOUNTANT,
            "language": language,
            "form_once": form_once(client, f"/o/{organization.slug}/members/"),
        },
    )


def link_in(message: Any) -> str:
    found = re.search(r"http://testserver(/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def is_member(organization: Organization, user: User) -> bool:
    return Membership.objects.filter(organization=organization, user=user).exists()


def test_an_unconfirmed_address_on_account_gives_no_membership_elsewhere(
    organization: Organization, owner: User, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN a user who types someone else's address on /account/ WHEN an owner elsewhere adds that
    address THEN the squatter is no member, sees no invoice export, and the invitation goes to the address."""
    squatter = make_user("squatter", email="squatter@example.ro")
    squatter_client = login(squatter)
    with django_capture_on_commit_callbacks(execute=True):
        response = squatter_client.post("/account/", {"form": "email", "email": "victima@firma.ro"})
    assert response.status_code == 302
    squatter.refresh_from_db()
    assert squatter.email == "squatter@example.ro"  # not before the confirmation link is followed
    assert [message.to for message in mail.outbox] == [["victima@firma.ro"]]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(login(owner), organization, "Victima@Firma.ro")
    assert response.status_code == 302
    assert not is_member(organization, squatter)
    assert squatter_client.get(f"/o/{organization.slug}/inbox/export.csv").status_code == 404
    assert [message.to for message in mail.outbox] == [["Victima@firma.ro"]]


def test_a_person_with_an_account_is_invited_and_joins_only_by_the_link(
    organization: Organization, owner: User, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    colleague = make_user("dana", email="Dana.Pop@Example.ro")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(login(owner), organization, "dana.pop@example.ro")
    assert response.status_code == 302
    assert not is_member(organization, colleague)
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    assert "Invitație în Cabinet Contabil Demo" in mail.outbox[0].subject

    anonymous = Client().get(link).content.decode()
    assert "Autentificați-vă pentru a accepta" in anonymous
    client = login(colleague)
    page = client.get(link)
    assert page.status_code == 200
    assert 'data-action="accept"' in page.content.decode()
    accepted = client.post(link)
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/o/{organization.slug}/integrations/"
    assert Membership.objects.get(organization=organization, user=colleague).role == Role.ACCOUNTANT
    again = client.post(link)  # one time only
    assert again.status_code == 400
    assert 'data-field="invitation-invalid"' in again.content.decode()


@pytest.mark.parametrize("language", ["ro", "en"])
def test_an_unknown_address_creates_its_account_from_the_link(
    organization: Organization, owner: User, django_capture_on_commit_callbacks: Any, language: str
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(login(owner), organization, "Ioana.Noua@Firma.ro", language)
    assert not User.objects.filter(email__iexact="ioana.noua@firma.ro").exists()
    message = mail.outbox[0]
    assert message.to == ["Ioana.Noua@firma.ro"]
    expected = {"ro": "cu rolul: Contabil", "en": "with the role: Accountant"}[language]
    assert expected in message.body
    link = link_in(message)
    assert link in message.alternatives[0][0]

    visitor = Client()
    form = visitor.get(link).content.decode()
    assert {"ro": "Creați contul și intrați", "en": "Create the account and join"}[language] in form
    mismatch = visitor.post(link, {"password1": NEW_PASSWORD, "password2": "altceva-" + NEW_PASSWORD})
    assert mismatch.status_code == 400
    response = visitor.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/o/{organization.slug}/integrations/"
    invited = User.objects.get(email__iexact="ioana.noua@firma.ro")
    assert response.context["user"] == invited
    assert invited.language == language
    assert invited.check_password(NEW_PASSWORD)
    assert Membership.objects.get(organization=organization, user=invited).role == Role.ACCOUNTANT
    assert Client().get(link).status_code == 400


def test_the_add_page_answers_the_same_with_or_without_an_account(
    organization: Organization, owner: User, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user("exista", email="exista@example.ro")
    client = login(owner)
    answers = []
    for email in ("exista@example.ro", "nimeni@example.ro"):
        with django_capture_on_commit_callbacks(execute=True):
            response = invite(client, organization, email)
        page = client.get(response["Location"])
        notices = [str(message).replace(email, "EMAIL") for message in page.context["messages"]]
        row = re.search(rf'<tr data-invited="{re.escape(email)}">.*?</tr>', page.content.decode(), re.S)
        assert row is not None
        cells = re.sub(r'value="[^"]+"|invitations/\d+/', "", row.group(0).replace(email, "EMAIL"))
        answers.append((response.status_code, response["Location"], notices, cells))
    assert answers[0] == answers[1]
    assert answers[0][2] == ["Invitația a fost trimisă la EMAIL."]
    assert [message.to for message in mail.outbox] == [["exista@example.ro"], ["nimeni@example.ro"]]


def test_resending_kills_the_earlier_link_and_cancelling_kills_all(
    organization: Organization, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, organization, "pending@example.ro")
    invitation = Invitation.objects.get(email="pending@example.ro")
    first = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"/o/{organization.slug}/members/invitations/{invitation.pk}/resend/")
    assert resent.status_code == 302
    second = link_in(mail.outbox[1])
    assert first != second
    assert Client().get(first).status_code == 400
    assert Client().get(second).status_code == 200
    assert "pending@example.ro" in client.get(f"/o/{organization.slug}/members/").content.decode()
    client.post(f"/o/{organization.slug}/members/invitations/{invitation.pk}/cancel/")
    assert Client().get(second).status_code == 400
    assert not Invitation.objects.exists()
    forged = Client().get("/invitation/abc-0123456789abcdef/")
    assert "Acest link nu mai este valabil" in forged.content.decode()


def test_outsiders_can_neither_resend_nor_cancel_another_organizations_invitations(
    organization: Organization, owner: User, outsider: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(login(owner), organization, "pending@example.ro")
    invitation = Invitation.objects.get()
    other = Membership.objects.get(user=outsider).organization
    client = login(outsider)
    for action in ("resend", "cancel"):
        response = client.post(f"/o/{other.slug}/members/invitations/{invitation.pk}/{action}/")
        assert response.status_code in (302, 404)
        response = client.post(f"/o/{organization.slug}/members/invitations/{invitation.pk}/{action}/")
        assert response.status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert len(mail.outbox) == 1


def test_a_new_address_applies_once_confirmed_and_only_for_that_account(
    owner: User, outsider: User, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/", {"form": "email", "email": "Ana.Noua@Example.ro"})
    owner.refresh_from_db()
    assert owner.email == "ana@example.ro"
    link = link_in(mail.outbox[0])
    assert mail.outbox[0].to == ["Ana.Noua@example.ro"]
    assert login(outsider).get(link).status_code == 400  # another account cannot use it
    confirmed = client.get(link)
    assert confirmed.status_code == 302
    owner.refresh_from_db()
    assert owner.email == "Ana.Noua@example.ro"
    assert client.get(link).status_code == 400  # bound to the address it replaced: works once

    with django_capture_on_commit_callbacks(execute=True):
        login(outsider).post(
            "/account/", {"form": "email", "email": "ana.noua@example.ro"}
        )  # taken: same answer
    taken = link_in(mail.outbox[1])
    assert login(outsider).get(taken).status_code == 400
    outsider.refresh_from_db()
    assert outsider.email == "oscar@example.ro"


def test_the_name_and_language_save_at_once_and_an_address_sent_along_is_ignored(owner: User) -> None:
    client = login(owner)
    response = client.post(
        "/account/", {"first_name": "Ana", "last_name": "Nou", "language": "en", "email": "x@evil.ro"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.last_name, owner.language, owner.email) == ("Nou", "en", "ana@example.ro")


def test_an_address_belongs_to_one_active_user_whatever_its_case(make_user: Any) -> None:
    make_user("first", email="acelasi@example.ro")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="second", email="ACELASI@example.ro", password=PASSWORD)
    inactive = User.objects.create_user(username="third", email="alt@example.ro", is_active=False)
    inactive.email = "acelasi@example.ro"
    inactive.save()  # an inactive account does not hold the address


def test_a_double_click_on_add_sends_one_invitation_whose_link_works(
    organization: Organization, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN the add form sent twice with the same one-time token (a double click, F5 on the POST)
    THEN one invitation and one e-mail exist, both answers land on the members page, and the e-mailed
    link still works (a second send would have replaced its token)."""
    client = login(owner)
    url = f"/o/{organization.slug}/members/add/"
    data = {
        "email": "dublu@firma.ro",
        "role": Role.ACCOUNTANT,
        "language": "ro",
        "form_once": form_once(client, f"/o/{organization.slug}/members/"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/o/{organization.slug}/members/"
    assert Invitation.objects.filter(organization=organization, email="dublu@firma.ro").count() == 1
    assert [message.to for message in mail.outbox] == [["dublu@firma.ro"]]
    page = client.get(again["Location"]).content.decode()
    assert "Formularul a fost deja trimis; nu s-a creat nimic a doua oară." in page
    assert Client().get(link_in(mail.outbox[0])).status_code == 200  # the one link sent is still valid
