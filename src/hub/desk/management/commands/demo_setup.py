"""Create the demo organization, its users (owner + accountant) and companies, and give each company a
default assignee at the desk, so the first sync fills someone's queue; idempotent (a restart changes nothing
the user changed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hub.accounts.models import Organization, Role, User
from hub.accounts.services import company_add, membership_set, organization_create
from hub.desk.models import CompanyDesk
from hub.desk.services import company_assignee_set
from hub.integrations.services import integration_activate


class Command(BaseCommand):
    help = "Create the demo organization, users and companies (used by `efactura demo`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", required=True)
        parser.add_argument("--company", action="append", default=[], help="CIF=Name, repeatable")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"]
        owner = _user("proprietar", "Ana", "Popescu", "ana.popescu@demo.invalid", password)
        accountant = _user("contabil", "Mihai", "Ionescu", "mihai.ionescu@demo.invalid", password)
        organization = Organization.objects.filter(slug="demo").first() or organization_create(
            name="Cabinet Contabil Demo SRL", owner=owner, slug="demo"
        )
        membership_set(organization=organization, user=owner, role=Role.OWNER)
        membership_set(organization=organization, user=accountant, role=Role.ACCOUNTANT)
        owner_membership = organization.memberships.get(user=owner)
        for number, item in enumerate(options["company"]):
            cif, _, name = item.partition("=")
            company = company_add(organization=organization, cif=cif, name=name)
            if not CompanyDesk.objects.filter(company=company).exists():
                # The accountant reviews; the owner keeps one company, so both see a queue of their own.
                assignee = owner if number == 1 else accountant
                company_assignee_set(membership=owner_membership, company=company, assignee=assignee)
        integration = integration_activate(organization=organization, kind="ro-efactura", user=owner)
        if not integration.config:
            integration.config = {"environment": "sandbox"}
            integration.save(update_fields=["config"])
        self.stdout.write(f"organization {organization.slug}: {organization.companies.count()} companies")


def _user(username: str, first: str, last: str, email: str, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password=password, first_name=first, last_name=last, email=email
        )
    elif not user.check_password(password):  # a new hash would log every session out on each restart
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
