"""The desk pages speak Romanian: the catalog of the desk covers the list page."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from hub.accounts.models import Organization, User
from tests.hub.desk.test_desk_review import sandbox_seed, synced  # noqa: F401
from tests.hub.helpers import login

pytestmark = pytest.mark.django_db(transaction=True)  # the sync's download threads read committed rows


def test_the_desk_list_is_in_romanian(synced: Organization, member: User, settings: Any) -> None:  # noqa: F811
    with translation.override("ro"):
        client = login(member)
        response = client.get(f"/o/{synced.slug}/desk/", HTTP_ACCEPT_LANGUAGE="ro")
    assert response.status_code == 200
    page = response.content.decode()
    for romanian in ("De verificat", "Aprobată", "Responsabil", "Facturi primite de verificat"):
        assert romanian in page, romanian
    for english in ("Supplier invoices to review", "Assigned to", "Apply to the chosen invoices"):
        assert english not in page, english
