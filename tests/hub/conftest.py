"""Hub test base: settings pointed at tmp_path, eager Celery, personas (owner, member, outsider), factories,
and the sandbox wired in as the ANAF the hub talks to (over HTTP, like production)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from hub.accounts.models import Company, Organization, Role, User
from hub.accounts.services import company_add, membership_set, organization_create
from hub.integrations.ro_efactura.models import SpvAuthorization
from hub.integrations.services import integration_activate
from tests.hub.browser import chromium_pages
from tests.hub.helpers import CALLBACK_PATH, PASSWORD, authorize_over_http, login
from tests.hub.webhook_receiver import WebhookReceiver, serve
from tests.hub.workers import broker_use


@pytest.fixture(autouse=True)
def hub_settings(settings: Any, tmp_path: Any) -> Any:
    settings.DATA_DIR = tmp_path
    settings.EFACTURA_ALLOW_TIME_TRAVEL = True
    settings.EFACTURA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"
    settings.ANAF_CLIENT_ID = "efactura-hub-demo"
    settings.ANAF_CLIENT_SECRET = "efactura-hub-demo-secret"
    settings.ANAF_REDIRECT_URI = f"http://127.0.0.1:8000{CALLBACK_PATH}"
    settings.ANAF_ENVIRONMENT = "sandbox"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture(autouse=True)
def eager_celery() -> Iterator[None]:
    from hub.celery import app

    broker_use(app, "memory://")  # nothing of a test reaches a real broker unless it asks
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    broker_use(app, "memory://")  # whatever the test did, the next one starts clean


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, **extra: Any) -> User:
        extra.setdefault("email", f"{username}@example.ro")
        return User.objects.create_user(username=username, password=PASSWORD, **extra)

    return make


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user("ana", first_name="Ana", last_name="Proprietar")


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    """An accountant: may authorize, may not configure."""
    return make_user("mihai", first_name="Mihai", last_name="Contabil")


@pytest.fixture
def viewer(make_user: Callable[..., User]) -> User:
    return make_user("vera", first_name="Vera", last_name="Cititor")


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    return make_user("oscar", first_name="Oscar", last_name="Strain")


@pytest.fixture
def organization(owner: User, member: User, viewer: User, outsider: User) -> Organization:
    organization = organization_create(name="Cabinet Contabil Demo", owner=owner)
    membership_set(organization=organization, user=member, role=Role.ACCOUNTANT)
    membership_set(organization=organization, user=viewer, role=Role.VIEWER)
    other = organization_create(name="Alta Firma", owner=outsider)
    assert other.pk != organization.pk
    return organization


@pytest.fixture
def companies(organization: Organization) -> list[Company]:
    return [
        company_add(organization=organization, cif="16000015", name="Alfa Construcții Ardeal SRL"),
        company_add(organization=organization, cif="29000025", name="Bucătăria Veche a Bunicii SRL"),
        company_add(organization=organization, cif="31500030", name="Țesătoria Mureș SA"),
    ]


@pytest.fixture
def active_module(organization: Organization, owner: User, companies: list[Company]) -> Organization:
    integration = integration_activate(organization=organization, kind="ro-efactura", user=owner)
    integration.config = {"environment": "sandbox"}
    integration.save()
    return organization


@pytest.fixture
def authorized(hub_sandbox: Any, active_module: Organization, owner: User) -> Organization:
    """The organization with the module active and the owner authorized at the sandbox over HTTP."""
    response = authorize_over_http(login(owner), active_module, hub_sandbox)
    assert response.status_code in (200, 302), response.content[:300]
    assert SpvAuthorization.objects.filter(organization=active_module).exists()
    return active_module


@pytest.fixture
def owner_client(owner: User) -> Client:
    return login(owner)


@pytest.fixture
def hub_sandbox(sandbox: Any, settings: Any) -> Any:
    """The sandbox, registered as the ANAF of this hub."""
    settings.EFACTURA_SANDBOX_URL = sandbox.url
    return sandbox


class MailCatcher:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[MailCatcher]:
    """A real SMTP server (aiosmtpd) on a free loopback port; the hub sends to it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    catcher = MailCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield catcher
    finally:
        controller.stop()


@pytest.fixture
def browser(live_server: Any, settings: Any) -> Iterator[Callable[..., Any]]:
    """`browser(DESKTOP)` or `browser(PHONE)`: a page of real Chromium (`tests.hub.browser`) at that viewport,
    with the hub's links pointing at the live server."""
    settings.SITE_URL = live_server.url
    with chromium_pages() as open_page:
        yield open_page


@pytest.fixture
def webhook_receiver(settings: Any) -> Iterator[WebhookReceiver]:
    """A webhook consumer on loopback (private addresses allowed for the test)."""
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = True
    yield from serve()
