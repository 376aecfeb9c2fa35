"""`efactura manage apikey create|list|revoke`: API keys for automation, with the scopes the UI offers.

`create` prints the key once (only its hash is kept), so a provisioning script can capture it; `list` shows
the keys without their secrets; `revoke` ends one at once.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.accounts.models import Organization, User
from hub.api.models import ApiKey, Scope
from hub.api.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Create, list or revoke the API keys of an organization (the key is printed once, at creation)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a key and print it once")
        create.add_argument("--organization", required=True, metavar="SLUG")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--scope", action="append", required=True, choices=Scope.values, help="repeat for several scopes"
        )
        create.add_argument("--user", metavar="USERNAME", help="recorded as the key's creator")
        create.add_argument("--json", action="store_true", help="print id, prefix, scopes and key as JSON")
        listing = actions.add_parser("list", help="the organization's keys, without their secrets")
        listing.add_argument("--organization", required=True, metavar="SLUG")
        listing.add_argument("--json", action="store_true")
        revoke = actions.add_parser("revoke", help="revoke a key by its id or prefix")
        revoke.add_argument("--organization", required=True, metavar="SLUG")
        revoke.add_argument("key", metavar="ID_OR_PREFIX")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"no organization {options['organization']!r}")
        action = options["action"]
        if action == "create":
            self._create(organization, options)
        elif action == "list":
            self._list(organization, as_json=options["json"])
        else:
            self._revoke(organization, options["key"])

    def _create(self, organization: Organization, options: dict[str, Any]) -> None:
        user = None
        if options.get("user"):
            user = User.objects.filter(
                username=options["user"], memberships__organization=organization
            ).first()
            if user is None:
                raise CommandError(f"no member {options['user']!r} of {organization.slug}")
        name = options["name"].strip()
        if not name:
            raise CommandError("--name must not be empty")
        row, key = api_key_create(organization=organization, name=name, scopes=options["scope"], user=user)
        if options["json"]:
            shown = {"id": row.pk, "name": row.name, "prefix": row.prefix, "scopes": row.scopes, "key": key}
            self.stdout.write(json.dumps(shown))
            return
        self.stdout.write(f"created key {row.pk} ({row.prefix}…), scopes: {', '.join(row.scopes)}")
        self.stdout.write("copy it now, it is not shown again:")
        self.stdout.write(key)

    def _list(self, organization: Organization, *, as_json: bool) -> None:
        rows = [
            {
                "id": key.pk,
                "name": key.name,
                "prefix": key.prefix,
                "scopes": key.scopes,
                "created": key.created.isoformat(),
                "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
                "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
            }
            for key in ApiKey.objects.filter(organization=organization)
        ]
        if as_json:
            self.stdout.write(json.dumps(rows))
            return
        for row in rows:
            state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
            scopes = ",".join(row["scopes"])
            self.stdout.write(f"{row['id']}\t{row['prefix']}…\t{row['name']}\t{scopes}\t{state}")

    def _revoke(self, organization: Organization, key: str) -> None:
        rows = ApiKey.objects.filter(organization=organization)
        row = rows.filter(pk=int(key)).first() if key.isdigit() else None
        row = row or rows.filter(prefix=key.removeprefix("efh_").split("_", 1)[0]).first()
        if row is None:
            raise CommandError(f"no key {key!r} in {organization.slug}")
        if not api_key_revoke(organization=organization, key_id=row.pk):
            raise CommandError(f"key {row.pk} was already revoked")
        self.stdout.write(f"revoked key {row.pk} ({row.prefix}…)")
