"""Where ANAF lives: the three hosts and the path layout of each service (docs/anaf.md §1.3, §2.0, §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Environment = Literal["prod", "test"]


@dataclass(frozen=True)
class AnafEndpoints:
    """Base URLs of the OAuth host, the OAuth-protected API host and the public web-services host."""

    oauth_base: str = "https://logincert.anaf.ro"
    api_base: str = "https://api.anaf.ro"
    public_base: str = "https://webservicesp.anaf.ro"

    @classmethod
    def sandbox(cls, url: str) -> AnafEndpoints:
        """All three hosts on one sandbox URL, e.g. ``AnafEndpoints.sandbox("http://127.0.0.1:8900")``."""
        base = url.rstrip("/")
        return cls(oauth_base=base, api_base=base, public_base=base)

    @property
    def authorize_url(self) -> str:
        return f"{self.oauth_base.rstrip('/')}/anaf-oauth2/v1/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.oauth_base.rstrip('/')}/anaf-oauth2/v1/token"

    @property
    def revoke_url(self) -> str:
        return f"{self.oauth_base.rstrip('/')}/anaf-oauth2/v1/revoke"

    def efactura_base(self, environment: Environment) -> str:
        """The FCTEL REST root of an environment (`/prod/FCTEL/rest` or `/test/FCTEL/rest`)."""
        if environment not in ("prod", "test"):
            raise ValueError(f"environment must be 'prod' or 'test', not {environment!r}")
        return f"{self.api_base.rstrip('/')}/{environment}/FCTEL/rest"

    @property
    def hello_url(self) -> str:
        return f"{self.api_base.rstrip('/')}/TestOauth/jaxrs/hello"

    @property
    def signature_url(self) -> str:
        # Host root: no FCTEL/rest and no prod/test segment (§2.0).
        return f"{self.api_base.rstrip('/')}/api/validate/signature"

    @property
    def vat_url(self) -> str:
        return f"{self.public_base.rstrip('/')}/api/PlatitorTvaRest/v9/tva"


DEFAULT_ENDPOINTS = AnafEndpoints()
