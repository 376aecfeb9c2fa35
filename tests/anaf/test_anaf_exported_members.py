"""The public API of `anaf` is exactly this list: growing it is a decision, not an accident."""

import anaf
import einvoice.cif

EXPECTED = [
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


def test_it_exports_exactly_the_pinned_names() -> None:
    assert sorted(anaf.__all__) == EXPECTED


def test_every_exported_name_exists() -> None:
    for name in anaf.__all__:
        assert getattr(anaf, name) is not None, name


def test_every_error_descends_from_anaf_error() -> None:
    errors = [getattr(anaf, name) for name in anaf.__all__ if name.endswith(("Error", "Limited", "Expired"))]
    for error in [
        *errors,
        anaf.NoSpvRights,
        anaf.InvalidToken,
        anaf.WafBlocked,
        anaf.Maintenance,
        anaf.Timeout,
    ]:
        assert issubclass(error, anaf.AnafError), error


def test_anaf_reads_cifs_with_einvoices_one_function() -> None:
    assert anaf.normalize_cif is einvoice.cif.normalize_cif
