"""Open the ZIP ANAF serves from ``descarcare`` (docs/anaf.md §2.5) without trusting it.

The ZIP holds ``{id}.xml`` (the invoice as uploaded, ANAF's error report for a ``nok``, or a buyer's
RASP message) and ``semnatura_{id}.xml`` (the Ministry's detached XMLDSig signature). Size, entry-count
and compression-ratio limits apply before anything is decompressed in full, and reads are bounded so a
lying header cannot get past them.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from .errors import UnsafeArchive
from .namespaces import CII, CII_ROOT, RAM, UBL_CREDIT_NOTE_ROOT, UBL_INVOICE_ROOT
from .parse import EN16931_CREDIT_NOTE_TYPE_CODES

ArchiveKind = Literal["invoice", "credit_note", "error_report", "buyer_message", "unknown"]

ERROR_REPORT_NS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"  # sic: ANAF's "Factuta" (§2.5)
BUYER_MESSAGE_NS = "mfp:anaf:dgti:spv:reqMesaj:v1"  # RASP (§2.1)

MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 10
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024  # tiny entries may compress absurdly well without harm
# What the standard library raises on a damaged ZIP (found by fuzzing): all mean "not a ZIP we open".
_BROKEN_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)


@dataclass(slots=True)
class AnafArchive:
    """What a downloaded ANAF ZIP holds; ``xml`` is the raw bytes, exactly as inside the ZIP."""

    kind: ArchiveKind
    xml_name: str | None
    xml: bytes
    signature_name: str | None = None
    signature: bytes | None = field(default=None, repr=False)
    errors: list[str] = field(default_factory=list)  # Error/@errorMessage of an error report
    upload_index: str | None = None  # Index_incarcare (error report) / index_incarcare (buyer message)
    issuer_cif: str | None = None  # Cif_emitent of an error report
    message: str | None = None  # the text of a buyer message


def _unsafe(english: str, romanian: str) -> UnsafeArchive:
    return UnsafeArchive(f"{english} / {romanian}")


def _read_entries(data: bytes, *, max_entries: int, max_total_bytes: int, max_ratio: int) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _BROKEN_ZIP as exc:
        raise _unsafe(f"Not a ZIP archive ({exc})", "Nu este o arhivă ZIP") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > max_entries:
            raise _unsafe(
                f"The ZIP holds {len(infos)} files, more than {max_entries}",
                f"Arhiva conține {len(infos)} fișiere, mai mult de {max_entries}",
            )
        declared = sum(info.file_size for info in infos)
        if declared > max_total_bytes:
            raise _unsafe(
                f"The ZIP would unpack to {declared} bytes, more than {max_total_bytes}",
                "Arhiva dezarhivată ar depăși limita de mărime",
            )
        entries: dict[str, bytes] = {}
        budget = max_total_bytes
        for info in infos:
            name = info.filename
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                raise _unsafe(f"Unsafe file name in the ZIP: {name!r}", f"Nume de fișier nesigur: {name!r}")
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
                raise _unsafe(
                    f"{name!r} is compressed more than {max_ratio}:1 (a ZIP bomb?)",
                    f"{name!r} este comprimat suspect de mult",
                )
            try:
                with archive.open(info) as handle:
                    content = handle.read(budget + 1)
            except _BROKEN_ZIP as exc:
                raise _unsafe(
                    f"Cannot read {name!r} from the ZIP: {exc}", f"{name!r} nu poate fi citit"
                ) from None
            if len(content) > budget:
                raise _unsafe(
                    "The ZIP unpacks to more than its headers declare or than allowed",
                    "Arhiva dezarhivată depășește limita de mărime",
                )
            budget -= len(content)
            entries[name] = content
        return entries


def _pick(entries: dict[str, bytes]) -> tuple[str | None, str | None]:
    """The document entry and the signature entry (``semnatura_*.xml``), by ANAF's naming."""
    xml_names = [name for name in entries if name.lower().endswith(".xml")]
    signatures = [name for name in xml_names if name.rsplit("/", 1)[-1].lower().startswith("semnatura")]
    documents = [name for name in xml_names if name not in signatures]
    numbered = [name for name in documents if name.rsplit("/", 1)[-1][:-4].isdigit()]
    candidates = numbered or documents
    document = candidates[0] if candidates else None
    return document, signatures[0] if signatures else None


def _classify(xml: bytes, result: AnafArchive) -> None:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        return
    if not isinstance(root.tag, str) or root.getroottree().docinfo.internalDTD is not None:
        return
    qname = etree.QName(root)
    if qname.namespace == ERROR_REPORT_NS:
        result.kind = "error_report"
        result.errors = [
            message
            for error in root.iterfind(f"{{{ERROR_REPORT_NS}}}Error")
            if (message := error.get("errorMessage"))
        ]
        result.upload_index = root.get("Index_incarcare")
        result.issuer_cif = root.get("Cif_emitent")
    elif qname.namespace == BUYER_MESSAGE_NS:
        result.kind = "buyer_message"
        result.upload_index = root.get("index_incarcare")
        result.message = root.get("message")
    elif root.tag == UBL_INVOICE_ROOT:
        result.kind = "invoice"
    elif root.tag == UBL_CREDIT_NOTE_ROOT:
        result.kind = "credit_note"
    elif root.tag == CII_ROOT:
        type_code = root.findtext(f"{{{CII}}}ExchangedDocument/{{{RAM}}}TypeCode")
        credit_note = (type_code or "").strip() in EN16931_CREDIT_NOTE_TYPE_CODES
        result.kind = "credit_note" if credit_note else "invoice"


def open_anaf_zip(
    data: bytes,
    *,
    max_archive_bytes: int = MAX_ARCHIVE_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_ratio: int = MAX_RATIO,
) -> AnafArchive:
    """Open an ANAF ZIP safely and tell what it holds; raises `UnsafeArchive` past any limit.

    A document that is not XML, or XML of no known kind, gives ``kind="unknown"`` with its bytes kept.
    """
    if len(data) > max_archive_bytes:
        raise _unsafe(
            f"The ZIP is {len(data)} bytes, more than {max_archive_bytes}",
            "Arhiva depășește mărimea permisă",
        )
    entries = _read_entries(
        data, max_entries=max_entries, max_total_bytes=max_total_bytes, max_ratio=max_ratio
    )
    document, signature = _pick(entries)
    result = AnafArchive(
        kind="unknown",
        xml_name=document,
        xml=entries[document] if document else b"",
        signature_name=signature,
        signature=entries[signature] if signature else None,
    )
    if document:
        _classify(result.xml, result)
    return result
