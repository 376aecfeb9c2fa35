"""Cross-tenant requests, enumerated automatically: every URL pattern of the URLconf and every path of the
OpenAPI schema, each path parameter filled with an id of ANOTHER organization, requested with GET and POST
as the first organization's owner (session) or with its API key. Each must be refused (403, 404, 400 or a
redirect) and no body may carry the other organization's data, nor may its rows change.

A new URL parameter without an entry in `foreign_values` fails the test: the map grows with the URLconf.
The figures are printed (`pytest -s`) and kept in docs/security.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hub.accounts.cif import is_valid_cif
from hub.accounts.models import Company, Invitation, Membership, Organization, Role, User
from hub.accounts.services import company_add, member_add, membership_set
from hub.accounts.tokens import invitation_new_token
from hub.api.models import ApiKey, Scope
from hub.api.services import api_key_create
from hub.core import clock
from hub.desk.models import ArchiveImport, ExportMapping, ImportedFile
from hub.inbox.models import CompanySync, Invoice, SyncRun
from hub.integrations.ro_efactura.models import CompanyAccess, SpvAuthorization
from hub.integrations.services import integration_activate
from hub.notifications.models import Event, Notification
from hub.notifications.services import event_raise
from hub.webhooks.models import Endpoint
from hub.webhooks.services import endpoint_create
from tests.hub.helpers import login
from tests.hub.security.security_fixtures import invoice_make

pytestmark = pytest.mark.django_db

REFUSED = {400, 401, 403, 404, 405, 409, 422}  # and a redirect to the login page
OTHER_NAME = "Beta Tenant Unic SRL"
OTHER_TOKEN = "beta-secret-access-token-0f3a9c"


def free_cif(start: int) -> str:
    return next(str(number) for number in range(start, start + 1000) if is_valid_cif(str(number)))


@dataclass
class Tenant:
    organization: Organization
    owner: User
    company: Company
    invoice: Invoice
    state: CompanySync
    membership: Membership
    invitation: Invitation
    invitation_token: str
    key: ApiKey
    key_text: str
    endpoint: Endpoint
    event: Event
    notification: Notification
    authorization: SpvAuthorization
    markers: list[str] = field(default_factory=list)
    archive_import: ArchiveImport | None = None
    imported_file: ImportedFile | None = None
    mapping: ExportMapping | None = None


def tenant_make(name: str, owner: User, cif: str, tag: str) -> Tenant:
    organization = Organization.objects.filter(memberships__user=owner).first()
    if organization is None or organization.name != name:
        from hub.accounts.services import organization_create

        organization = organization_create(name=name, owner=owner)
    company = company_add(organization=organization, cif=cif, name=f"{tag} Companie Unica SRL")
    integration_activate(organization=organization, kind="ro-efactura", user=owner)
    invoice = invoice_make(company, seller_name=f"{tag} Furnizor Secret", number=f"{tag}-SECRET-1")
    state = CompanySync.objects.create(company=company, tracked_since=clock.now())
    SyncRun.objects.create(company=company, started=clock.now(), outcome="ok")
    colleague = User.objects.create_user(
        username=f"{tag.lower()}-colleague", email=f"{tag.lower()}.colleague@secret.example"
    )
    membership = membership_set(organization=organization, user=colleague, role=Role.VIEWER)
    owner_membership = Membership.objects.get(organization=organization, user=owner)
    invitation = member_add(
        actor=owner_membership, email=f"{tag.lower()}.invited@secret.example", role="viewer"
    )
    token = invitation_new_token(invitation)
    key, key_text = api_key_create(organization=organization, name=f"{tag} key", scopes=list(Scope.values))
    endpoint = endpoint_create(
        organization=organization, url=f"http://127.0.0.1:9/{tag.lower()}-hook-secret", events=[]
    )
    event = event_raise(
        organization=organization,
        kind="authorization.expiring",
        key=f"{tag}-event",
        params={"deadline": clock.now().isoformat(), "days": 3},
        recipients=[owner, colleague],
    )
    assert event is not None
    notification = Notification.objects.create(event=event, recipient=owner, channel="in_app")
    authorization = SpvAuthorization.objects.create(
        organization=organization,
        environment="sandbox",
        authorized_by=owner,
        authorized_at=clock.now(),
        access_token=f"{tag.lower()}-{OTHER_TOKEN}",
        refresh_token=f"{tag.lower()}-refresh-{OTHER_TOKEN}",
        access_expires_at=clock.now(),
        refresh_expires_at=clock.now(),
        serial=f"{tag}:SERIAL:77",
    )
    archive_import = ArchiveImport.objects.create(
        organization=organization, user=owner, source=f"{tag.lower()}-arhiva-secreta", started=clock.now()
    )
    imported_file = ImportedFile.objects.create(
        run=archive_import, name=f"{tag.lower()}-fisier-secret.zip", outcome="unreadable", company=company
    )
    mapping = ExportMapping.objects.create(
        organization=organization,
        name=f"{tag} Contabilitate Secreta",
        columns=[{"field": "number", "header": "Nr"}],
    )
    markers = [
        organization.name,
        company.name,
        company.cif,
        invoice.number,
        invoice.seller_name,
        invoice.message.download_id,
        colleague.email,
        invitation.email,
        key.name,
        key.prefix,
        endpoint.url,
        authorization.access_token,
        authorization.serial,
        archive_import.source,
        imported_file.name,
        mapping.name,
    ]
    return Tenant(
        organization,
        owner,
        company,
        invoice,
        state,
        membership,
        invitation,
        token,
        key,
        key_text,
        endpoint,
        event,
        notification,
        authorization,
        markers,
        archive_import,
        imported_file,
        mapping,
    )


@pytest.fixture
def tenants(
    organization: Organization, owner: User, outsider: User, companies: list[Company], settings: Any
) -> Any:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = True  # endpoints on a loopback address: no DNS in tests
    ours = tenant_make(organization.name, owner, free_cif(41000000), "ALFA")
    theirs = tenant_make("Alta Firma", outsider, free_cif(42000000), "BETA")
    Organization.objects.filter(pk=theirs.organization.pk).update(name=OTHER_NAME)
    theirs.organization.refresh_from_db()
    theirs.markers[0] = OTHER_NAME
    assert not set(theirs.markers) & set(ours.markers)
    return ours, theirs


def fingerprint(tenant: Tenant) -> list[Any]:
    """Everything a cross-tenant request could change in the other organization."""
    organization = tenant.organization
    return [
        list(Membership.objects.filter(organization=organization).values_list("pk", "user_id", "role")),
        list(Invitation.objects.filter(organization=organization).values_list("pk", "token_sha256", "role")),
        list(Company.objects.filter(organization=organization).values_list("pk", "cif", "name")),
        list(Invoice.objects.filter(organization=organization).values_list("pk", "number")),
        list(
            CompanySync.objects.filter(company__organization=organization).values_list(
                "pk", "interval_minutes"
            )
        ),
        SyncRun.objects.filter(company__organization=organization).count(),
        list(ApiKey.objects.filter(organization=organization).values_list("pk", "revoked_at")),
        list(Endpoint.objects.filter(organization=organization).values_list("pk", "active", "url")),
        list(Notification.objects.filter(event__organization=organization).values_list("pk", "read_at")),
        list(
            SpvAuthorization.objects.filter(organization=organization).values_list(
                "pk", "status", "renewal_count", "last_renewed_at"
            )
        ),
        list(
            CompanyAccess.objects.filter(company__organization=organization).values_list(
                "company_id", "authorization_id"
            )
        ),
        list(organization.integrations.values_list("pk", "active", "config")),  # type: ignore[attr-defined]
        list(ExportMapping.objects.filter(organization=organization).values_list("pk", "name", "columns")),
        list(ArchiveImport.objects.filter(organization=organization).values_list("pk", "source")),
    ]


def foreign_values(other: Tenant) -> dict[str, str]:
    """For each URL parameter name, the other organization's value."""
    return {
        "slug": other.organization.slug,
        "invoice_id": str(other.invoice.pk),
        "state_id": str(other.state.pk),
        "membership_id": str(other.membership.pk),
        "invitation_id": str(other.invitation.pk),
        "company_id": str(other.company.pk),
        "key_id": str(other.key.pk),
        "endpoint_id": str(other.endpoint.pk),
        "notification_id": str(other.notification.pk),
        "authorization_id": str(other.authorization.pk),
        "run_id": str(other.archive_import.pk if other.archive_import else 0),
        "file_id": str(other.imported_file.pk if other.imported_file else 0),
        "mapping_id": str(other.mapping.pk if other.mapping else 0),
        "kind": "ro-efactura",
        # Capability links: the other organization's *id*, not its secret token (holding the token is
        # consent by design: it reached the invited address).
        "token": f"{other.invitation.pk}-forged",
        "uidb64": "Mg",
    }


def url_patterns(
    resolver: URLResolver | None = None, prefix: str = "", names: tuple[str, ...] = ()
) -> Iterator[tuple[str, list[str]]]:
    """Every pattern of the URLconf as (route with <name> placeholders, parameter names of all levels)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        own = tuple(getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route, names + own)
        elif isinstance(entry, URLPattern):
            yield route, [*names, *own]


def fill(route: str, values: dict[str, str]) -> str:
    import re

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        assert name in values, f"no cross-tenant value for URL parameter {name!r} in {route!r}"
        return values[name]

    path = re.sub(r"<([^>]+)>", replace, route)
    return "/" + path.lstrip("^").rstrip("$")


@dataclass
class Tally:
    tried: int = 0
    refused: int = 0
    leaked: list[str] = field(default_factory=list)
    checked_own_pages: int = 0

    def record(
        self, what: str, status: int, body: str, other: Tenant, before: list[Any], *, location: str = ""
    ) -> None:
        self.tried += 1
        if status in REFUSED or (status == 302 and location.startswith("/login/")):
            self.refused += 1
        else:
            self.leaked.append(f"{what}: not refused ({status})")
        self.check(what, body, other, before)

    def check(self, what: str, body: str, other: Tenant, before: list[Any]) -> None:
        found = [marker for marker in other.markers if marker in body]
        if found:
            self.leaked.append(f"{what}: body shows {found}")
        if fingerprint(other) != before:
            self.leaked.append(f"{what}: changed the other organization")


def post_data(other: Tenant) -> dict[str, Any]:
    return {
        "company": other.company.pk,
        "role": Role.OWNER,
        "email": "intrus@example.ro",
        "language": "ro",
        "url": "https://intrus.example.com/",
        "name": "intrus",
        "scopes": list(Scope.values),
        "interval_minutes": 5,
        "next": f"/o/{other.organization.slug}/",
    }


def test_no_request_with_another_organizations_ids_is_answered(
    tenants: tuple[Tenant, Tenant], hub_settings: Any
) -> None:
    ours, theirs = tenants
    values = foreign_values(theirs)
    tally = Tally()

    patterns = list(url_patterns())
    assert len(patterns) > 40
    for route, parameters in patterns:
        if "logout" in route:
            continue  # ends the session; it takes no id
        variants = []
        if parameters:
            variants.append(fill(route, values))  # another organization's slug and ids
            if "slug" in parameters and set(parameters) - {"slug", "kind"}:
                variants.append(
                    fill(route, {**values, "slug": ours.organization.slug})
                )  # our slug, their ids
        for path in variants:
            for method in ("get", "post"):
                client = login(ours.owner)
                before = fingerprint(theirs)
                response = getattr(client, method)(path, post_data(theirs) if method == "post" else None)
                body = b"" if response.streaming else response.content
                tally.record(
                    f"{method.upper()} {path}",
                    response.status_code,
                    body.decode(errors="replace"),
                    theirs,
                    before,
                    location=response.headers.get("Location", ""),
                )
        if not parameters:
            before = fingerprint(theirs)
            response = login(ours.owner).get(fill(route, values))
            body = b"".join(response.streaming_content) if response.streaming else response.content
            tally.checked_own_pages += 1
            tally.check(f"GET {route}", body.decode(errors="replace"), theirs, before)

    api = api_requests(ours, theirs, tally)
    print(
        f"\ncross-tenant: {len(patterns)} URL patterns, {api['paths']} OpenAPI paths; "
        f"{tally.tried} requests with another organization's ids, {tally.refused} refused, "
        f"{len(tally.leaked)} leaked; {tally.checked_own_pages} pages without ids checked for leaks"
    )
    assert tally.leaked == [], "\n".join(tally.leaked)
    assert tally.refused == tally.tried


def api_requests(ours: Tenant, theirs: Tenant, tally: Tally) -> dict[str, int]:
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    paths: dict[str, dict[str, Any]] = schema["paths"]
    assert len(paths) >= 9
    headers = {"Authorization": f"Bearer {ours.key_text}"}
    values = {"invoice_id": str(theirs.invoice.pk), "company_id": str(theirs.company.pk)}
    for path, operations in paths.items():
        for method in operations:
            parameters = [p["name"] for p in operations[method].get("parameters", []) if p["in"] == "path"]
            url = path
            for name in parameters:
                assert name in values, f"no cross-tenant value for API parameter {name!r} in {path!r}"
                url = url.replace("{" + name + "}", values[name])
            query = {"company": theirs.company.pk, "company_id": theirs.company.pk}
            client = Client(headers=headers)
            before = fingerprint(theirs)
            response = getattr(client, method)(url, query if method == "get" else None, QUERY_STRING="")
            if method == "post":
                response = client.post(f"{url}?company={theirs.company.pk}")
            body = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
                errors="replace"
            )
            if parameters:
                tally.record(f"API {method.upper()} {url}", response.status_code, body, theirs, before)
            else:
                tally.checked_own_pages += 1
                tally.check(f"API {method.upper()} {url}", body, theirs, before)
                # `POST /sync?company=<theirs>` is a 404: the company is not one of ours
                assert response.status_code in (200, 400, 404, 422), (url, response.status_code, body[:300])
    return {"paths": len(paths)}


def test_another_organizations_api_key_sees_nothing_of_ours(tenants: tuple[Tenant, Tenant]) -> None:
    ours, theirs = tenants
    client = Client(headers={"Authorization": f"Bearer {theirs.key_text}"})
    for path in ("/api/v1/companies", "/api/v1/invoices", "/api/v1/messages", "/api/v1/authorizations"):
        body = client.get(path).content.decode()
        assert not [marker for marker in ours.markers if marker in body], path
    assert client.get(f"/api/v1/invoices/{ours.invoice.pk}").status_code == 404
