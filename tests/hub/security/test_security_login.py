"""Login throttling (django-axes): wrong passwords lock out the account and, separately, the client
address; the right password does not get through a lockout; the page says why, in Romanian and English;
an administrator unlocks early, and the cool-off unlocks by itself."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from hub.accounts.models import User
from tests.hub.helpers import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 10


def attempt(client: Client, username: str, password: str, address: str = "203.0.113.7") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_account_even_for_the_right_password(owner: User) -> None:
    client = Client()
    for number in range(LIMIT - 1):
        response = attempt(client, owner.username, f"wrong-{number}")
        assert response.status_code == 200  # the form again, with its error
    locked = attempt(client, owner.username, "wrong-last")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Prea multe încercări de autentificare nereușite" in page
    assert "timp de 15 minute, după 10 parole greșite" in page
    right = attempt(Client(), owner.username, PASSWORD, address="198.51.100.9")  # another address too
    assert right.status_code == 429
    assert "_auth_user_id" not in right.client.session


def test_the_lockout_page_is_english_for_english_browsers_too(owner: User, settings: Any) -> None:
    from django.utils import translation

    for number in range(LIMIT):
        locked = attempt(Client(), owner.username, f"wrong-{number}")
    with translation.override("en"):
        from hub.accounts.lockout import lockout_response

        english = lockout_response(locked.wsgi_request).content.decode()
    assert "Too many failed log-in attempts" in english
    assert "for 15 minutes, after 10 wrong passwords" in english


def test_one_address_trying_many_accounts_is_locked_out(owner: User, member: User, viewer: User) -> None:
    client = Client()
    names = [owner.username, member.username, viewer.username]
    for number in range(LIMIT):
        attempt(client, names[number % 3], f"wrong-{number}", address="192.0.2.50")
    assert attempt(client, member.username, PASSWORD, address="192.0.2.50").status_code == 429
    assert attempt(Client(), member.username, PASSWORD, address="192.0.2.51").status_code == 302


def test_an_administrator_unlocks_the_account(owner: User) -> None:
    for number in range(LIMIT):
        attempt(Client(), owner.username, f"wrong-{number}")
    assert attempt(Client(), owner.username, PASSWORD).status_code == 429
    call_command("axes_reset_username", owner.username)
    call_command("axes_reset_ip", "203.0.113.7")
    response = attempt(Client(), owner.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_cool_off_unlocks_by_itself(owner: User, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    for number in range(LIMIT):
        attempt(Client(), owner.username, f"wrong-{number}")
    assert attempt(Client(), owner.username, PASSWORD).status_code == 429
    time.sleep(1.2)
    assert attempt(Client(), owner.username, PASSWORD).status_code == 302
