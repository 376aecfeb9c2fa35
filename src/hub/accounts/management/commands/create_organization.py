"""Create an organization with an owner (and optionally more members): the first step of a new install."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.accounts.models import Role, User
from hub.accounts.services import membership_set, organization_create


class Command(BaseCommand):
    help = "Create an organization owned by an existing user; add members with --member USER=ROLE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--owner", required=True, help="user name of the owner (createsuperuser first)")
        parser.add_argument("--member", action="append", default=[], help="USER=owner|accountant|viewer")

    def handle(self, *args: Any, **options: Any) -> None:
        names = [options["owner"], *(item.partition("=")[0] for item in options["member"])]
        users = {user.username: user for user in User.objects.filter(username__in=names)}
        owner = users.get(options["owner"])
        if owner is None:
            raise CommandError(f"no user {options['owner']!r}")
        organization = organization_create(name=options["name"], owner=owner)
        for item in options["member"]:
            username, _, role = item.partition("=")
            if username not in users or role not in Role.values:
                raise CommandError(f"bad --member {item!r}")
            membership_set(organization=organization, user=users[username], role=role)
        self.stdout.write(f"created /o/{organization.slug}/")
