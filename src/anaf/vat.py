"""The public VAT-payer registry v9 on webservicesp.anaf.ro (no authentication, docs/anaf.md §5.1).

At most 100 CIFs per request and one request a second: ANAF punishes clients that ask faster.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import httpx

from anaf._recognise import error_text, json_body
from anaf._transport import DEFAULT_RETRY, DEFAULT_TIMEOUT, Budget, RetryPolicy, Transport
from anaf.endpoints import DEFAULT_ENDPOINTS, AnafEndpoints
from anaf.errors import ResponseError
from anaf.models import VatLookup, VatRecord
from anaf.quota import MemoryQuotaLimiter, QuotaLimiter
from einvoice.cif import normalize_cif

BATCH_SIZE = 100


class VatRegistryClient:
    """Looks CIFs up in ANAF's VAT-payer registry, batching and pacing the requests."""

    def __init__(
        self,
        endpoints: AnafEndpoints = DEFAULT_ENDPOINTS,
        http: httpx.Client | None = None,
        limiter: QuotaLimiter | None = None,
        *,
        min_interval: timedelta = timedelta(seconds=1),
        retry: RetryPolicy = DEFAULT_RETRY,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoints = endpoints
        self._min_interval = min_interval
        limiter = limiter if limiter is not None else MemoryQuotaLimiter(sleep=sleep)
        self.transport = Transport(http, limiter=limiter, retry=retry, timeout=timeout, sleep=sleep)

    def close(self) -> None:
        self.transport.close()

    def lookup(self, cifs: Iterable[str | int], on: date | None = None) -> VatLookup:
        """The registry's records for `cifs` as of `on` (default today), in batches of 100."""
        day = (on or date.today()).isoformat()
        wanted = list(dict.fromkeys(normalize_cif(cif) for cif in cifs))
        found: list[VatRecord] = []
        not_found: list[str] = []
        for first in range(0, len(wanted), BATCH_SIZE):
            batch = wanted[first : first + BATCH_SIZE]
            data = self._request([{"cui": int(cif), "data": day} for cif in batch])
            found.extend(
                VatRecord.from_anaf(item) for item in data.get("found") or [] if isinstance(item, dict)
            )
            not_found.extend(str(cif) for cif in data.get("notFound") or [])
        return VatLookup(found=tuple(found), not_found=tuple(not_found))

    def _request(self, body: list[dict[str, Any]]) -> dict[str, Any]:
        response = self.transport.send(
            "POST",
            self.endpoints.vat_url,
            json=body,
            budgets=[Budget("public", self.endpoints.public_base, 1, self._min_interval)],
        )
        data = json_body(response)
        if not isinstance(data, dict) or ("found" not in data and "notFound" not in data):
            text = error_text(response)
            raise ResponseError(
                f"Unexpected answer from the VAT registry: {text}",
                status=response.status_code,
                anaf_text=text,
            )
        return data
