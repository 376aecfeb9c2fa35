"""Fixtures for the ANAF client tests: a real sandbox over HTTP, a certificate login, clients on top.

The root `sandbox` fixture (tests/conftest.py) starts a fresh sandbox per test; nothing here patches the
client: it is pointed at the sandbox through `AnafEndpoints.sandbox(url)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from anaf import (
    AnafEndpoints,
    EFacturaClient,
    MemoryTokenStore,
    OAuthClient,
    TokenProvider,
    TokenSet,
)
from tests.anaf.anaf_testkit import FAST_RETRY, login


@pytest.fixture
def endpoints(sandbox: Any) -> AnafEndpoints:
    return AnafEndpoints.sandbox(sandbox.url)


@pytest.fixture
def app(sandbox: Any) -> dict[str, Any]:
    """The seeded OAuth application (client_id, client_secret, redirect_uris)."""
    return dict(sandbox.seed["apps"][0])


@pytest.fixture
def certificate(sandbox: Any) -> dict[str, Any]:
    """A seeded certificate with SPV rights on at least one CIF."""
    return next(dict(c) for c in sandbox.seed["certificates"] if c.get("cifs"))


@pytest.fixture
def cif(certificate: dict[str, Any]) -> str:
    return str(certificate["cifs"][0])


@pytest.fixture
def foreign_cif(sandbox: Any, certificate: dict[str, Any]) -> str:
    """A seeded company on which the certificate has no SPV rights."""
    return next(str(c["cif"]) for c in sandbox.seed["companies"] if c["cif"] not in certificate["cifs"])


@pytest.fixture
def oauth(endpoints: AnafEndpoints, app: dict[str, Any]) -> Iterator[OAuthClient]:
    client = OAuthClient(
        app["client_id"], app["client_secret"], app["redirect_uris"][0], endpoints, retry=FAST_RETRY
    )
    yield client
    client.close()


@pytest.fixture
def tokens(sandbox: Any, oauth: OAuthClient, app: dict[str, Any], certificate: dict[str, Any]) -> TokenSet:
    return login(sandbox, oauth, app, certificate)


@pytest.fixture
def store(tokens: TokenSet) -> MemoryTokenStore:
    return MemoryTokenStore(tokens)


@pytest.fixture
def provider(oauth: OAuthClient, store: MemoryTokenStore) -> TokenProvider:
    return TokenProvider(oauth, store)


@pytest.fixture
def client(provider: TokenProvider, endpoints: AnafEndpoints) -> Iterator[EFacturaClient]:
    with EFacturaClient(provider, "test", endpoints, retry=FAST_RETRY) as efactura:
        yield efactura
