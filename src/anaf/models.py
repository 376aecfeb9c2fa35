"""Typed results of the e-Factura and public services, and the parsers from ANAF's own shapes (§2, §5).

Field names are English; ANAF's Romanian names appear only as `alias` metadata. Raw bytes (or the raw JSON
item) travel beside every parsed result, so nothing ANAF said is lost.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Literal, get_type_hints

from lxml import etree

from anaf._recognise import BUCHAREST
from anaf.errors import ResponseError
from einvoice.cif import normalize_cif

Standard = Literal["UBL", "CN", "CII", "RASP"]
MessageFilter = Literal["E", "T", "P", "R"]
ValidationStandard = Literal["FACT1", "FCN"]


@dataclass(frozen=True)
class Alias:
    """ANAF's name for a field (a dotted path for nested JSON), used as `Annotated[type, Alias("tip")]`."""

    name: str


def _pick(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _aliased(cls: type[Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Field name -> the value found under its ANAF alias."""
    values = {}
    for name, hint in get_type_hints(cls, include_extras=True).items():
        alias = next((meta for meta in getattr(hint, "__metadata__", ()) if isinstance(meta, Alias)), None)
        if alias is not None:
            values[name] = _pick(data, alias.name)
    return values


def anaf_minute(value: str | None) -> datetime | None:
    """`YYYYMMDDHHmm`, Romanian wall time (§2.0)."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=BUCHAREST)
    except ValueError:
        return None


def _xml_root(raw: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise ResponseError(f"ANAF answered XML that cannot be read: {exc}", status=200) from exc


def _error_messages(root: etree._Element) -> tuple[str, ...]:
    return tuple(
        str(element.get("errorMessage", "")).strip()
        for element in root.iter()
        if isinstance(element.tag, str) and etree.QName(element).localname in ("Errors", "Error")
    )


@dataclass(frozen=True)
class UploadResult:
    """ANAF's answer to an upload: an upload index, or the reasons it refused the file on the spot."""

    upload_id: Annotated[str | None, Alias("index_incarcare")]
    responded_at: Annotated[datetime | None, Alias("dateResponse")]
    errors: tuple[str, ...] = ()
    raw: bytes = field(default=b"", repr=False)

    @property
    def accepted(self) -> bool:
        return self.upload_id is not None and not self.errors


def parse_upload(raw: bytes) -> tuple[UploadResult, str]:
    """The result and ANAF's `ExecutionStatus` (0 = accepted)."""
    root = _xml_root(raw)
    upload_id = root.get("index_incarcare")
    result = UploadResult(
        upload_id=str(upload_id) if upload_id else None,
        responded_at=anaf_minute(root.get("dateResponse")),
        errors=_error_messages(root),
        raw=raw,
    )
    return result, str(root.get("ExecutionStatus", ""))


State = Literal["ok", "nok", "in prelucrare", "XML cu erori nepreluat de sistem"]
FINAL_STATES = ("ok", "nok", "XML cu erori nepreluat de sistem")


@dataclass(frozen=True)
class MessageStatus:
    """`stareMesaj`: `ok`/`nok` carry a download id; `in prelucrare` means ask again later (§2.2)."""

    state: Annotated[str, Alias("stare")]
    download_id: Annotated[str | None, Alias("id_descarcare")]
    raw: bytes = field(default=b"", repr=False)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def is_ok(self) -> bool:
        return self.state == "ok"


def parse_status(raw: bytes) -> MessageStatus | tuple[str, ...]:
    """The status, or ANAF's error texts when the answer has no `stare`."""
    root = _xml_root(raw)
    state = root.get("stare")
    if state is None:
        return _error_messages(root) or ("stareMesaj answered without stare and without errors",)
    download_id = root.get("id_descarcare")
    return MessageStatus(state=str(state), download_id=str(download_id) if download_id else None, raw=raw)


_PARTIES = re.compile(r"cif_emitent\s*=\s*(\d+).*?cif_beneficiar\s*=\s*(\d+)", re.IGNORECASE)
_SELF_BILLED = re.compile(r"transmisa de cif\s*=\s*(\d+)\s+ca autofact\w*\s+in numele cif\s*=\s*(\d+)", re.I)


@dataclass(frozen=True)
class Message:
    """One entry of a message list. `download_id` is what `download()` takes."""

    download_id: Annotated[str, Alias("id")]
    upload_id: Annotated[str, Alias("id_solicitare")]
    cif: Annotated[str, Alias("cif")]
    kind: Annotated[str, Alias("tip")]
    details: Annotated[str, Alias("detalii")]
    created: Annotated[datetime | None, Alias("data_creare")]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_anaf(cls, item: Mapping[str, Any]) -> Message:
        values = _aliased(cls, item)
        for name in ("download_id", "upload_id", "cif", "kind", "details"):
            values[name] = "" if values[name] is None else str(values[name])  # ids arrive as str or int
        values["created"] = anaf_minute(str(item.get("data_creare") or ""))
        return cls(**values, raw=dict(item))

    @property
    def seller_cif(self) -> str | None:
        """From `detalii` (ANAF sends no such key); for self-billing the seller is the "in numele" CIF."""
        if match := _PARTIES.search(self.details):
            return match.group(1)
        if match := _SELF_BILLED.search(self.details):
            return match.group(2)
        return None

    @property
    def buyer_cif(self) -> str | None:
        if match := _PARTIES.search(self.details):
            return match.group(2)
        if match := _SELF_BILLED.search(self.details):
            return match.group(1)
        return None


@dataclass(frozen=True)
class MessagePage:
    """One page of `listaMesajePaginatieFactura` (or the whole simple list, as page 1 of 1)."""

    messages: tuple[Message, ...]
    page: Annotated[int, Alias("index_pagina_curenta")]
    page_count: Annotated[int, Alias("numar_total_pagini")]
    total: Annotated[int, Alias("numar_total_inregistrari")]
    serial: Annotated[str, Alias("serial")]
    cui: Annotated[str, Alias("cui")]
    title: Annotated[str, Alias("titlu")]


def parse_page(data: Mapping[str, Any], *, default_page: int = 1) -> MessagePage:
    items = data.get("mesaje") or []
    messages = tuple(Message.from_anaf(item) for item in items if isinstance(item, Mapping))
    values = _aliased(MessagePage, data)

    def number(name: str, fallback: int) -> int:
        try:
            return int(values[name])
        except (TypeError, ValueError):
            return fallback

    return MessagePage(
        messages=messages,
        page=number("page", default_page),
        page_count=number("page_count", 1),
        total=number("total", len(messages)),
        serial=str(values["serial"] or ""),
        cui=str(values["cui"] or ""),
        title=str(values["title"] or ""),
    )


@dataclass(frozen=True)
class DownloadedMessage:
    """The ZIP of `descarcare` exactly as ANAF sent it (the XML plus the MF signature: the legal original)."""

    download_id: str
    raw: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    def names(self) -> list[str]:
        with zipfile.ZipFile(io.BytesIO(self.raw)) as archive:
            return archive.namelist()


@dataclass(frozen=True)
class ValidationResult:
    """`validare`: ANAF's verdict on a document; `messages` are ANAF's findings verbatim (§2.6)."""

    valid: bool
    trace_id: Annotated[str, Alias("trace_id")]
    messages: tuple[str, ...] = ()
    raw: bytes = field(default=b"", repr=False)


def parse_validation(data: Mapping[str, Any], raw: bytes) -> ValidationResult:
    items = data.get("Messages") or []
    messages = tuple(str(item.get("message", "")) for item in items if isinstance(item, Mapping))
    return ValidationResult(
        valid=data.get("stare") == "ok", messages=messages, trace_id=str(data.get("trace_id") or ""), raw=raw
    )


@dataclass(frozen=True)
class PdfConversion:
    """`transformare`: the PDF, or (when ANAF's validation failed) no PDF and its findings (§2.7)."""

    pdf: bytes | None = field(repr=False)
    validation: ValidationResult | None = None

    @property
    def ok(self) -> bool:
        return self.pdf is not None


@dataclass(frozen=True)
class SignatureCheck:
    """ANAF's verdict on an invoice XML + `semnatura_*.xml` pair, with its message verbatim (§2.8)."""

    valid: bool
    message: str


@dataclass(frozen=True)
class RevocationResult:
    """What ANAF's `/revoke` made of a token (§1.9), as a value: ANAF's real endpoint is unverified
    (§8.4; a live probe was redirected to the login page), so a refusal or no answer is a result to show.
    """

    revoked: bool
    status: int | None  # the HTTP status; None when ANAF could not be reached
    reason: str = ""  # why not, in English; "" when revoked
    anaf_text: str = ""  # ANAF's own words (OAuth error, page text), when it said something


@dataclass(frozen=True)
class VatRecord:
    """One company from the public VAT-payer registry v9 (§5.1)."""

    cif: Annotated[str, Alias("date_generale.cui")]
    on: Annotated[date | None, Alias("date_generale.data")]
    name: Annotated[str, Alias("date_generale.denumire")]
    address: Annotated[str, Alias("date_generale.adresa")]
    registration_number: Annotated[str, Alias("date_generale.nrRegCom")]
    vat_payer: Annotated[bool, Alias("inregistrare_scop_Tva.scpTVA")]
    vat_on_collection: Annotated[bool, Alias("inregistrare_RTVAI.statusTvaIncasare")]
    inactive: Annotated[bool, Alias("stare_inactiv.statusInactivi")]
    split_vat: Annotated[bool, Alias("inregistrare_SplitTVA.statusSplitTVA")]
    efactura_register: Annotated[bool, Alias("date_generale.statusRO_e_Factura")]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_anaf(cls, item: Mapping[str, Any]) -> VatRecord:
        values = _aliased(cls, item)
        for name in ("cif", "name", "address", "registration_number"):
            values[name] = "" if values[name] is None else str(values[name])
        for name in ("vat_payer", "vat_on_collection", "inactive", "split_vat", "efactura_register"):
            values[name] = values[name] is True
        try:
            values["on"] = date.fromisoformat(str(values["on"]))
        except ValueError:
            values["on"] = None
        return cls(**values, raw=dict(item))


@dataclass(frozen=True)
class VatLookup:
    """The records found and the CIFs ANAF does not know."""

    found: tuple[VatRecord, ...]
    not_found: tuple[str, ...]

    def get(self, cif: str | int) -> VatRecord | None:
        try:
            wanted = normalize_cif(cif)
        except ValueError:
            return None
        return next((record for record in self.found if record.cif == wanted), None)
