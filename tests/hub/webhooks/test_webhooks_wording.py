"""Webhook problems are shown as sentences in the reader's language, never as raw English errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from hub.accounts.models import Organization, User
from hub.core import clock
from hub.webhooks.models import Delivery, Endpoint
from hub.webhooks.wording import delivery_error_message
from tests.hub.helpers import login, post_once

pytestmark = pytest.mark.django_db


def test_recorded_errors_become_sentences_in_both_languages() -> None:
    with translation.override("ro"):
        assert delivery_error_message("HTTP 500") == "Destinatarul a răspuns cu codul HTTP 500."
        assert delivery_error_message("ConnectError: [Errno 111] Connection refused") == (
            "Destinatarul nu a putut fi contactat."
        )
        assert delivery_error_message("ReadTimeout: timed out") == "Destinatarul nu a răspuns la timp."
        assert delivery_error_message("URL: intern.local resolves to a private address (10.0.0.5)") == (
            "intern.local indică o adresă dintr-o rețea privată (10.0.0.5)."
        )
        assert delivery_error_message("") == ""
    with translation.override("en"):
        assert delivery_error_message("HTTP 500") == "The receiver answered with HTTP status 500."


def test_the_page_words_a_failed_delivery_and_a_refused_address(
    settings: Any, organization: Organization, owner: User
) -> None:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = False
    endpoint = Endpoint.objects.create(
        organization=organization,
        url="https://example.ro/hook",
        events=["invoice.received"],
        secret="whsec_x",
        created=clock.now(),
    )
    Endpoint.objects.filter(pk=endpoint.pk).update(last_error="ConnectError: [Errno 111] Connection refused")
    client = login(owner)
    page = client.get(f"/o/{organization.slug}/webhooks/").content.decode()
    assert "Destinatarul nu a putut fi contactat." in page
    assert "Errno 111" not in page
    refused = post_once(client, f"/o/{organization.slug}/webhooks/", {"url": "ftp://example.ro/hook"})
    assert "Sunt acceptate doar adrese http:// și https:// cu nume de gazdă." in refused.content.decode()
    assert not Delivery.objects.exists()
