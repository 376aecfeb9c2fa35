"""The data migration to several authorizations: the authorization in use before it serves every company of
its organization afterwards, and what it was told about each CIF becomes its reach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ro_efactura", "0004_quota_counters")]
AFTER = [("ro_efactura", "0005_several_authorizations")]


def test_existing_data_keeps_working_after_the_migration() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organization = old.get_model("accounts", "Organization")
    Company = old.get_model("accounts", "Company")
    SpvAuthorization = old.get_model("ro_efactura", "SpvAuthorization")
    CompanyAccess = old.get_model("ro_efactura", "CompanyAccess")
    now = timezone.now()
    organization = Organization.objects.create(name="Firma Veche", slug="firma-veche")
    alfa = Company.objects.create(organization=organization, cif="16000015", name="Alfa")
    tesatoria = Company.objects.create(organization=organization, cif="31500030", name="Țesătoria")

    def authorization(serial: str, status: str, age: int) -> object:
        return SpvAuthorization.objects.create(
            organization=organization,
            environment="sandbox",
            status=status,
            authorized_at=now - timedelta(days=age),
            access_token="",
            refresh_token="",
            access_expires_at=now + timedelta(days=90),
            refresh_expires_at=now + timedelta(days=365),
            serial=serial,
        )

    authorization("old", "replaced", age=30)
    current = authorization("current", "active", age=1)
    CompanyAccess.objects.create(company=alfa, has_rights=True, checked_at=now, serial="current")
    CompanyAccess.objects.create(company=tesatoria, has_rights=False, checked_at=now, serial="current")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Access = new.get_model("ro_efactura", "CompanyAccess")
    Reach = new.get_model("ro_efactura", "AuthorizationReach")

    assert set(Access.objects.values_list("company__cif", "authorization_id")) == {
        ("16000015", current.pk),  # type: ignore[attr-defined]
        ("31500030", current.pk),  # type: ignore[attr-defined]
    }
    assert set(Reach.objects.values_list("company__cif", "authorization_id", "has_rights")) == {
        ("16000015", current.pk, True),  # type: ignore[attr-defined]
        ("31500030", current.pk, False),  # type: ignore[attr-defined]
    }
