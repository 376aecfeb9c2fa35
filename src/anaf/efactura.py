"""The RO e-Factura REST client: one thin method per endpoint over the shared transport (§2, §3).

Every method spends its quota budgets first, sends through `Transport`, and hands the 200 answer to a parser
in `anaf.models`. ANAF's business errors arrive on HTTP 200 and become typed exceptions here; verdicts
(`nok`, rejected upload, validation findings, "no messages") are returned as values.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from anaf._recognise import (
    body_kind,
    business_error,
    error_text,
    is_no_messages,
    is_technical,
    json_body,
    server_time_in_future_error,
)
from anaf._transport import DEFAULT_RETRY, DEFAULT_TIMEOUT, Budget, RetryPolicy, Transport
from anaf.endpoints import DEFAULT_ENDPOINTS, AnafEndpoints, Environment
from anaf.errors import InvalidToken, NoSpvRights, ResponseError, ServerError
from anaf.models import (
    DownloadedMessage,
    Message,
    MessageFilter,
    MessagePage,
    MessageStatus,
    PdfConversion,
    SignatureCheck,
    Standard,
    UploadResult,
    ValidationResult,
    parse_page,
    parse_status,
    parse_upload,
    parse_validation,
)
from anaf.quota import DAY, DEFAULT_QUOTAS, MINUTE, MemoryQuotaLimiter, QuotaLimiter, Quotas
from anaf.tokens import TokenProvider
from einvoice.cif import normalize_cif

logger = logging.getLogger("anaf")

RETENTION = timedelta(days=60)
_VALIDATION_STANDARDS = {"FACT1": "FACT1", "FCN": "FCN", "UBL": "FACT1", "CN": "FCN"}


def _ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


class EFacturaClient:
    """RO e-Factura on api.anaf.ro (or the sandbox) for one authorization.

    `token` is a fixed access token or a `TokenProvider` (renewed near expiry and once after a 401).
    Share one `limiter` between clients of the same application to share ANAF's budgets.
    """

    def __init__(
        self,
        token: str | TokenProvider,
        environment: Environment = "prod",
        endpoints: AnafEndpoints = DEFAULT_ENDPOINTS,
        http: httpx.Client | None = None,
        limiter: QuotaLimiter | None = None,
        *,
        quotas: Quotas = DEFAULT_QUOTAS,
        retry: RetryPolicy = DEFAULT_RETRY,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        end_margin: timedelta = timedelta(seconds=60),
        start_margin: timedelta = timedelta(minutes=5),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._token = token
        self.environment = environment
        self.endpoints = endpoints
        self.base = endpoints.efactura_base(environment)
        self.quotas = quotas
        self.limiter: QuotaLimiter = limiter if limiter is not None else MemoryQuotaLimiter()
        self.transport = Transport(http, limiter=self.limiter, retry=retry, timeout=timeout, sleep=sleep)
        self.end_margin = end_margin
        self.start_margin = start_margin
        self.clock_skew = timedelta(0)  # ANAF's clock minus ours, learned from its "in viitor" error

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> EFacturaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the chassis ------------------------------------------------------------------------------------

    def _budgets(self, *extra: tuple[str, str, int | None, timedelta]) -> list[Budget]:
        wanted = [("global", self.endpoints.api_base, self.quotas.global_per_minute, MINUTE), *extra]
        return [
            Budget(scope, key, limit, window) for scope, key, limit, window in wanted if limit is not None
        ]

    def _call(
        self,
        method: str,
        url: str,
        *,
        budgets: list[Budget],
        idempotent: bool = True,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        def send(access_token: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {access_token}"}
            if content_type:
                headers["Content-Type"] = content_type
            return self.transport.send(
                method,
                url,
                params=params,
                content=content,
                files=files,
                headers=headers,
                budgets=budgets,
                idempotent=idempotent,
            )

        if isinstance(self._token, str):
            return send(self._token)
        used = self._token.access_token()
        try:
            return send(used)
        except InvalidToken:
            # ANAF refused before doing anything, so even an upload may be sent again.
            logger.info("ANAF refused the access token; renewing once")
            return send(self._token.renew_after_rejection(used))

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        data = json_body(response)
        if not isinstance(data, dict):
            raise self._unexpected(response, what)
        return data

    # -- endpoints --------------------------------------------------------------------------------------

    def hello(self, name: str = "efactura-hub") -> str:
        """The token test service: ANAF echoes the name and the headers it saw (text)."""
        response = self._call("GET", self.endpoints.hello_url, params={"name": name}, budgets=self._budgets())
        return response.text

    def upload(
        self,
        xml: bytes,
        cif: str | int,
        standard: Standard = "UBL",
        *,
        extern: bool = False,
        self_billed: bool = False,
        enforcement: bool = False,
        b2c: bool = False,
    ) -> UploadResult:
        """File an invoice (`UBL`, `CN`, `CII`) or a buyer message (`RASP`). Never retried blindly.

        A refusal on the spot (XSD, parameters) is returned as `UploadResult.errors`; no rights raises
        `NoSpvRights`, a spent RASP quota `RateLimited`, and a lost answer `UploadUncertain`.
        """
        cif = normalize_cif(cif)
        params = {"standard": standard, "cif": cif}
        for flag, name in ((extern, "extern"), (self_billed, "autofactura"), (enforcement, "executare")):
            if flag:
                params[name] = "DA"
        extra = []
        if standard == "RASP":
            extra.append(("upload_rasp", cif, self.quotas.rasp_uploads_per_cif_per_day, DAY))
        response = self._call(
            "POST",
            f"{self.base}/{'uploadb2c' if b2c else 'upload'}",
            params=params,
            content=xml,
            content_type="text/plain",
            budgets=self._budgets(*extra),
            idempotent=False,
        )
        if body_kind(response) != "xml":
            raise self._unexpected(response, "upload")
        result, execution_status = parse_upload(response.content)
        if execution_status == "0" and result.upload_id:
            return result
        for text in result.errors:
            error = business_error(
                text, status=response.status_code, quota="upload_rasp", now=datetime.now(UTC)
            )
            if type(error) is not ResponseError:
                raise error
        return result

    def upload_b2c(
        self, xml: bytes, cif: str | int, standard: Standard = "UBL", **flags: bool
    ) -> UploadResult:
        """`uploadb2c`: the same as `upload`, for invoices to consumers."""
        return self.upload(xml, cif, standard, b2c=True, **flags)

    def status(self, upload_id: str | int) -> MessageStatus:
        """`stareMesaj`: `in prelucrare`, `ok` or `nok` (the last two with a download id)."""
        key = str(upload_id)
        response = self._call(
            "GET",
            f"{self.base}/stareMesaj",
            params={"id_incarcare": key},
            budgets=self._budgets(("status", key, self.quotas.status_per_message_per_day, DAY)),
        )
        if body_kind(response) != "xml":
            raise self._unexpected(response, "stareMesaj")
        parsed = parse_status(response.content)
        if isinstance(parsed, MessageStatus):
            return parsed
        raise business_error(parsed[0], status=response.status_code, quota="status", now=datetime.now(UTC))

    def list_messages(self, cif: str | int, days: int, filter: MessageFilter | None = None) -> MessagePage:
        """`listaMesajeFactura` over the last `days` (1..60); at most 500 messages (else `iter_messages`)."""
        cif = normalize_cif(cif)
        params = {"zile": str(days), "cif": cif}
        if filter:
            params["filtru"] = filter
        response = self._call(
            "GET",
            f"{self.base}/listaMesajeFactura",
            params=params,
            budgets=self._budgets(("list", cif, self.quotas.list_per_cif_per_day, DAY)),
        )
        return self._page(response, quota="list", page=1)

    def list_page(
        self,
        cif: str | int,
        start: datetime,
        end: datetime,
        page: int = 1,
        filter: MessageFilter | None = None,
    ) -> MessagePage:
        """One page of `listaMesajePaginatieFactura`; `start`/`end` are sent as ANAF asks (epoch ms)."""
        cif = normalize_cif(cif)
        params = {"startTime": _ms(start), "endTime": _ms(end), "cif": cif, "pagina": str(page)}
        if filter:
            params["filtru"] = filter
        response = self._call(
            "GET",
            f"{self.base}/listaMesajePaginatieFactura",
            params=params,
            budgets=self._budgets(("list_paginated", cif, self.quotas.paginated_list_per_cif_per_day, DAY)),
        )
        return self._page(response, quota="list_paginated", page=page)

    def _page(self, response: httpx.Response, *, quota: str, page: int) -> MessagePage:
        data = self._json(response, "the message list")
        text = data.get("eroare")
        if isinstance(text, str) and text:
            if is_no_messages(text):
                return MessagePage(
                    messages=(), page=page, page_count=0, total=0, serial="", cui="", title=text
                )
            raise business_error(text, status=response.status_code, quota=quota, now=datetime.now(UTC))
        return parse_page(data, default_page=page)

    def anaf_now(self) -> datetime:
        """Our best estimate of ANAF's clock."""
        return datetime.now(UTC) + self.clock_skew

    def iter_messages(
        self,
        cif: str | int,
        start: datetime | None = None,
        end: datetime | None = None,
        filter: MessageFilter | None = None,
    ) -> Iterator[Message]:
        """Every message of `cif` between `start` and `end`, over all pages, each once.

        The window is clamped inside ANAF's rules with margins: `end` never later than ANAF's clock minus
        `end_margin`, `start` no older than 60 days minus `start_margin` (§2.4). If ANAF still says `endTime`
        is in its future, its quoted clock teaches us the skew and the call is retried once.
        """
        seen: set[str] = set()
        learned = False
        page = 1
        window = self._window(start, end)
        while window is not None:
            try:
                result = self.list_page(cif, window[0], window[1], page, filter)
            except ResponseError as exc:
                if not learned and self._learn_skew(exc):
                    learned = True
                    window, page = self._window(start, end), 1
                    continue
                if "mai mare decat numarul" in exc.anaf_text and page > 1:
                    return  # the page count shrank while we read: nothing more to get
                raise
            for message in result.messages:
                if message.download_id not in seen:
                    seen.add(message.download_id)
                    yield message
            if not result.messages or page >= result.page_count:
                return
            page += 1

    def _window(self, start: datetime | None, end: datetime | None) -> tuple[datetime, datetime] | None:
        now = self.anaf_now()
        latest = now - self.end_margin
        earliest = now - RETENTION + self.start_margin
        window_end = min(end, latest) if end else latest
        window_start = max(start, earliest) if start else earliest
        return (window_start, window_end) if window_start < window_end else None

    def download(self, download_id: str | int) -> DownloadedMessage:
        """`descarcare`: the ZIP exactly as ANAF sent it. Past 60 days raises `MessageExpired` (terminal)."""
        key = str(download_id)
        response = self._call(
            "GET",
            f"{self.base}/descarcare",
            params={"id": key},
            budgets=self._budgets(("download", key, self.quotas.download_per_message_per_day, DAY)),
        )
        if body_kind(response) == "zip":
            return DownloadedMessage(download_id=key, raw=response.content)
        data = json_body(response)
        if isinstance(data, dict) and isinstance(data.get("eroare"), str):
            raise business_error(
                data["eroare"], status=response.status_code, quota="download", now=datetime.now(UTC)
            )
        raise self._unexpected(response, "descarcare")

    def validate(self, xml: bytes, standard: str = "FACT1") -> ValidationResult:
        """`validare` (prod only at ANAF): `FACT1` invoice or `FCN` credit note (`UBL`/`CN` accepted too)."""
        response = self._call(
            "POST",
            f"{self.endpoints.efactura_base('prod')}/validare/{self._validation_standard(standard)}",
            content=xml,
            content_type="text/plain",
            budgets=self._budgets(),
        )
        return self._verdict(response, "validare")

    def to_pdf(self, xml: bytes, standard: str = "FACT1", validate: bool = True) -> PdfConversion:
        """`transformare`: ANAF's PDF of the XML; with `validate=False` ANAF skips validation (`/DA`)."""
        path = f"transformare/{self._validation_standard(standard)}" + ("" if validate else "/DA")
        response = self._call(
            "POST",
            f"{self.endpoints.efactura_base('prod')}/{path}",
            content=xml,
            content_type="text/plain",
            budgets=self._budgets(),
        )
        if body_kind(response) == "pdf":
            return PdfConversion(pdf=response.content)
        return PdfConversion(pdf=None, validation=self._verdict(response, "transformare"))

    def _verdict(self, response: httpx.Response, what: str) -> ValidationResult:
        data = self._json(response, what)
        if "stare" not in data:
            raise self._unexpected(response, what)
        result = parse_validation(data, response.content)
        if not result.valid and result.messages and all(is_technical(text) for text in result.messages):
            # Not a verdict on the document: ANAF failed to judge it.
            text = "; ".join(result.messages)
            raise ServerError(
                f"ANAF could not process {what}: {text}", status=response.status_code, anaf_text=text
            )
        return result

    def verify_signature(self, xml: bytes, signature: bytes) -> SignatureCheck:
        """ANAF's check that `semnatura_*.xml` is the MF signature of exactly these invoice bytes."""
        response = self._call(
            "POST",
            self.endpoints.signature_url,
            files={
                "file": ("factura.xml", xml, "text/xml"),
                "signature": ("semnatura.xml", signature, "text/xml"),
            },
            budgets=self._budgets(),
        )
        message = str(self._json(response, "validate/signature").get("msg") or "")
        if "NU au putut fi validate" in message:
            return SignatureCheck(valid=False, message=message)
        if "au fost validate cu succes" in message:
            return SignatureCheck(valid=True, message=message)
        raise self._unexpected(response, "validate/signature")

    def check_cif_rights(self, cif: str | int) -> bool:
        """Whether this authorization may act for `cif`: False on ANAF's "Nu aveti drept in SPV"."""
        for attempt in (1, 2):
            now = self.anaf_now()
            try:
                self.list_page(cif, now - timedelta(minutes=10), now - self.end_margin)
            except NoSpvRights:
                return False
            except ResponseError as exc:
                if attempt == 1 and self._learn_skew(exc):
                    continue
                raise
            break
        return True

    def _learn_skew(self, error: ResponseError) -> bool:
        """Learn ANAF's clock from its "endTime ... nu poate in viitor ... = <its time>" error (§2.4)."""
        server_time = server_time_in_future_error(error.anaf_text)
        if server_time is None:
            return False
        self.clock_skew = server_time - datetime.now(UTC)
        logger.warning("ANAF's clock differs from ours by %s; list windows adjusted", self.clock_skew)
        return True

    @staticmethod
    def _validation_standard(standard: str) -> str:
        try:
            return _VALIDATION_STANDARDS[standard.upper()]
        except KeyError:
            raise ValueError(f"standard must be FACT1 or FCN (or UBL/CN), not {standard!r}") from None

    @staticmethod
    def _unexpected(response: httpx.Response, what: str) -> ResponseError:
        text = error_text(response)
        return ResponseError(
            f"Unexpected answer to {what}: {text}", status=response.status_code, anaf_text=text
        )
