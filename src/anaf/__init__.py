"""Typed client for ANAF's OAuth2 (logincert) and RO e-Factura REST API. Pure Python + httpx, no Django.

The specification is `docs/anaf.md` (§ numbers in this package refer to its sections); the error tree is
drawn in `anaf.errors`.
"""

import logging

from anaf._transport import RetryPolicy
from anaf.efactura import EFacturaClient
from anaf.endpoints import AnafEndpoints, Environment
from anaf.errors import (
    AnafError,
    InvalidToken,
    Maintenance,
    MessageExpired,
    NoSpvRights,
    RateLimited,
    ReauthorizationRequired,
    ResponseError,
    ServerError,
    Timeout,
    TransportError,
    UploadUncertain,
    WafBlocked,
)
from anaf.models import (
    DownloadedMessage,
    Message,
    MessagePage,
    MessageStatus,
    PdfConversion,
    RevocationResult,
    SignatureCheck,
    UploadResult,
    ValidationResult,
    VatLookup,
    VatRecord,
)
from anaf.oauth import OAuthClient
from anaf.quota import MemoryQuotaLimiter, QuotaLimiter, Quotas
from anaf.tokens import MemoryTokenStore, TokenProvider, TokenSet, TokenStore
from anaf.vat import VatRegistryClient
from einvoice.cif import normalize_cif  # the one CIF reader (einvoice.cif), part of this API too

logging.getLogger("anaf").addHandler(logging.NullHandler())

__all__ = [
    "AnafEndpoints",
    "AnafError",
    "DownloadedMessage",
    "EFacturaClient",
    "Environment",
    "InvalidToken",
    "Maintenance",
    "MemoryQuotaLimiter",
    "MemoryTokenStore",
    "Message",
    "MessageExpired",
    "MessagePage",
    "MessageStatus",
    "NoSpvRights",
    "OAuthClient",
    "PdfConversion",
    "QuotaLimiter",
    "Quotas",
    "RateLimited",
    "ReauthorizationRequired",
    "ResponseError",
    "RetryPolicy",
    "RevocationResult",
    "ServerError",
    "SignatureCheck",
    "Timeout",
    "TokenProvider",
    "TokenSet",
    "TokenStore",
    "TransportError",
    "UploadResult",
    "UploadUncertain",
    "ValidationResult",
    "VatLookup",
    "VatRecord",
    "VatRegistryClient",
    "WafBlocked",
    "normalize_cif",
]
