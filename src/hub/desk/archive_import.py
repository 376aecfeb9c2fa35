"""Bring an old archive into the hub: ANAF originals kept by another tool, as folders of `{id}.zip`, extracted
`{id}.xml` + `semnatura_{id}.xml` pairs, or a ZIP holding either (`efactura archive import`, or the upload
page of the desk).

Each original is stored first (content-addressed, as received), then its signature digest is checked
(both ANAF formats, `einvoice.verify_signature`), it is compared with what the organization already archived
(same bytes, or the same ANAF id), read and matched to a company by the buyer's CIF (a received invoice) or
else the seller's (a sent one). Nothing read is dropped: an original that cannot be read, or names none of
the organization's companies, stays stored and is listed in the run's report (`ImportedFile`). Received
invoices get their review ("to review") like synced ones.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import einvoice
from hub.accounts.cif import without_ro_prefix
from hub.accounts.models import Company, Organization, User
from hub.core import clock
from hub.desk.models import ArchiveImport, ImportedFile, ImportOutcome
from hub.desk.services import reviews_open
from hub.documents import archive
from hub.documents.reading import read_zip
from hub.inbox.models import Direction
from hub.inbox.services.importing import (
    archived_original,
    listed_unarchived,
    original_from_pair,
    original_import,
)

log = logging.getLogger(__name__)
SIGNATURE_PREFIX = "semnatura_"
MAX_FILE_BYTES = 20 * 1024 * 1024  # one original, as `einvoice.open_anaf_zip` allows
MAX_BUNDLE_ENTRIES = 100_000


@dataclass(frozen=True)
class Source:
    """One file: its name (with its folder, or `bundle.zip!entry`), its size, and how to open it; nothing is
    read before its turn comes, so a large archive never sits in memory."""

    name: str
    size: int
    open: Callable[[], BinaryIO]

    def read(self) -> bytes:
        with self.open() as handle:
            return handle.read(MAX_FILE_BYTES + 1)


def source_from_path(path: Path, name: str | None = None) -> Source:
    return Source(name or str(path), path.stat().st_size, lambda: path.open("rb"))


def source_from_bytes(name: str, data: bytes) -> Source:
    return Source(name, len(data), lambda: io.BytesIO(data))


@dataclass
class Unit:
    """One original to import: an ANAF ZIP, or a pair put back into a ZIP (`load` gives its bytes)."""

    name: str
    load: Callable[[], bytes]
    anaf_ids: set[str] = field(default_factory=set)
    problem: str = ""  # a reason code when known unreadable before reading (too big, a lone signature)
    params: dict[str, str] = field(default_factory=dict)


def _stem(name: str) -> str:
    return PurePosixPath(_base(name)).stem


def _base(name: str) -> str:
    """The file's own name, without its folder or bundle."""
    return PurePosixPath(name.replace("\\", "/").split("!")[-1]).name


def _anaf_id(name: str) -> str | None:
    stem = _stem(name).removeprefix(SIGNATURE_PREFIX)
    return stem if stem.isdigit() and len(stem) <= 40 else None


_BROKEN = (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError)


def _is_bundle(source: Source) -> bool:
    """A ZIP of originals (ZIPs, or more than one invoice XML) rather than one ANAF ZIP."""
    try:
        with source.open() as handle, zipfile.ZipFile(handle) as opened:
            names = [info.filename for info in opened.infolist() if not info.is_dir()]
    except _BROKEN:
        return False
    if any(name.lower().endswith(".zip") for name in names):
        return True
    documents = [
        name
        for name in names
        if name.lower().endswith(".xml") and not _stem(name).lower().startswith(SIGNATURE_PREFIX)
    ]
    return len(documents) > 1


def _entry_reader(bundle: Source, entry: str) -> Callable[[], BinaryIO]:
    def open_entry() -> BinaryIO:
        try:
            with bundle.open() as handle, zipfile.ZipFile(handle) as opened, opened.open(entry) as member:
                return io.BytesIO(member.read(MAX_FILE_BYTES + 1))
        except _BROKEN as exc:  # kept and listed as what could be read of it
            return io.BytesIO(f"unreadable bundle entry: {exc}".encode())

    return open_entry


def _bundle_entries(bundle: Source) -> Iterator[Source]:
    with bundle.open() as handle, zipfile.ZipFile(handle) as opened:
        infos = [info for info in opened.infolist() if not info.is_dir()][:MAX_BUNDLE_ENTRIES]
    for info in infos:
        yield Source(f"{bundle.name}!{info.filename}", info.file_size, _entry_reader(bundle, info.filename))


def sources_expand(sources: Iterable[Source]) -> list[Source]:
    """Open the bundles among `sources` (a ZIP of ZIPs or of XML pairs); one level only."""
    expanded: list[Source] = []
    for source in sources:
        if source.name.lower().endswith(".zip") and _is_bundle(source):
            expanded.extend(_bundle_entries(source))
        else:
            expanded.append(source)
    return expanded


def sources_from_paths(paths: Iterable[Path]) -> list[Source]:
    """Every file under the given folders and files (hidden ones skipped), in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    item
                    for item in path.rglob("*")
                    if item.is_file()
                    and not any(part.startswith(".") for part in item.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return sources_expand(source_from_path(item) for item in files)


def _folder(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[0] if "/" in name.replace("\\", "/") else ""


def units_of(sources: Iterable[Source]) -> list[Unit]:
    """Pair each extracted `{id}.xml` with its `semnatura_{id}.xml` (same folder); every other file is one
    unit, a lone signature an unreadable one."""
    units: list[Unit] = []
    documents: dict[tuple[str, str], Source] = {}
    signatures: dict[tuple[str, str], Source] = {}
    for source in sources:
        if source.size > MAX_FILE_BYTES:
            units.append(Unit(source.name, bytes, problem="too_big"))
            continue
        if not source.name.lower().endswith(".xml"):
            units.append(Unit(source.name, source.read, anaf_ids=_ids(source.name)))
            continue
        stem = _stem(source.name)
        if stem.lower().startswith(SIGNATURE_PREFIX):
            signatures[(_folder(source.name), stem[len(SIGNATURE_PREFIX) :])] = source
        else:
            documents[(_folder(source.name), stem)] = source
    for key, document in documents.items():
        signature = signatures.pop(key, None)
        if signature is None:
            units.append(Unit(document.name, _single_loader(document), anaf_ids=_ids(document.name)))
            continue
        units.append(
            Unit(
                f"{document.name} + {_base(signature.name)}",
                _pair_loader(document, signature),
                anaf_ids=_ids(document.name),
            )
        )
    for signature in signatures.values():
        signed = _stem(signature.name)[len(SIGNATURE_PREFIX) :] + ".xml"
        units.append(Unit(signature.name, signature.read, problem="lone_signature", params={"name": signed}))
    return units


def _pair_loader(document: Source, signature: Source) -> Callable[[], bytes]:
    return lambda: original_from_pair(
        _base(document.name), document.read(), _base(signature.name), signature.read()
    )


def _single_loader(document: Source) -> Callable[[], bytes]:
    return lambda: _single(_base(document.name), document.read())


def _ids(name: str) -> set[str]:
    found = _anaf_id(name)
    return {found} if found else set()


def _single(name: str, document: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(info, document)
    return buffer.getvalue()


def _signature_verdict(data: bytes) -> tuple[str, dict[str, str], list[str]]:
    """The signature check (code and details), and the file names inside the ZIP."""
    try:
        opened = einvoice.open_anaf_zip(data)
    except einvoice.UnsafeArchive:
        return "", {}, []
    inner = [name for name in (opened.xml_name, opened.signature_name) if name]
    if opened.signature is None or not opened.xml:
        return "missing", {}, inner
    verdict = einvoice.verify_signature(opened.xml, opened.signature)
    details = {"format": str(verdict.format) if verdict.format else "?", "why": verdict.reason}
    return ("matches" if verdict.matches else "mismatch"), details, inner


@dataclass
class ImportReport:
    run: ArchiveImport
    files: list[ImportedFile]

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.files if item.outcome == outcome)


def _company_for(
    reading_invoice: einvoice.Invoice | None, kind: str, issuer_cif: str | None, companies: dict[str, Company]
) -> tuple[Company | None, str, str, dict[str, str]]:
    """The company and the direction; when none matched, the reason code and the CIFs tried."""
    if kind == "error_report":
        cif = without_ro_prefix(issuer_cif or "")
        return companies.get(cif), Direction.ERROR, "no_issuer", {"issuer": cif or "?"}
    if reading_invoice is None:
        return None, Direction.OTHER, "no_cif", {}
    buyer = _party_cif(reading_invoice.buyer)
    seller = _party_cif(reading_invoice.seller)
    if buyer in companies:
        return companies[buyer], Direction.RECEIVED, "", {}
    if seller in companies:
        return companies[seller], Direction.SENT, "", {}
    return None, Direction.OTHER, "no_company", {"buyer": buyer or "?", "seller": seller or "?"}


def _party_cif(party: einvoice.Party | None) -> str:
    if party is None:
        return ""
    return without_ro_prefix(party.vat_id or party.tax_registration_id or party.registration_id or "")


def archive_import(
    *, organization: Organization, sources: Iterable[Source], source_label: str, user: User | None = None
) -> ImportReport:
    """Import every original among `sources` for the organization; returns the run and its files."""
    run = ArchiveImport.objects.create(
        organization=organization, user=user, source=source_label[:300], started=clock.now()
    )
    companies = {company.cif: company for company in organization.companies.all()}
    seen: dict[str, str] = {}  # sha256 -> the name it was first read under, in this run
    files: list[ImportedFile] = []
    for unit in units_of(sources):
        files.append(_import_one(run, unit, companies, seen))
    invoice_ids = [item.invoice_id for item in files if item.invoice_id]
    reviews_open(organization, invoice_ids)
    run.finished = clock.now()
    run.save(update_fields=["finished"])
    return ImportReport(run, files)


def _import_one(
    run: ArchiveImport, unit: Unit, companies: dict[str, Company], seen: dict[str, str]
) -> ImportedFile:
    row = ImportedFile(run=run, name=unit.name[:500], params=dict(unit.params))
    data = unit.load()
    row.size = len(data)
    if unit.problem and not data:
        return _done(row, ImportOutcome.UNREADABLE, unit.problem)
    row.sha256 = archive.blob_put(data)  # kept as received before anything else
    if unit.problem:
        return _done(row, ImportOutcome.UNREADABLE, unit.problem)
    if row.sha256 in seen:
        return _done(row, ImportOutcome.DUPLICATE, "same_in_run", name=seen[row.sha256])
    seen[row.sha256] = unit.name
    try:
        return _archive_one(run, row, unit, data, companies)
    except Exception as exc:  # one file's surprise never stops the others; its bytes are stored already
        log.exception("importing %s failed", unit.name)
        return _done(row, ImportOutcome.UNREADABLE, "crashed", detail=exc.__class__.__name__)


def _done(row: ImportedFile, outcome: str, reason: str, **params: str) -> ImportedFile:
    row.outcome, row.reason = outcome, reason
    row.params = {**row.params, **params}
    row.save()
    return row


def _archive_one(
    run: ArchiveImport, row: ImportedFile, unit: Unit, data: bytes, companies: dict[str, Company]
) -> ImportedFile:
    row.signature, signature_details, inner = _signature_verdict(data)
    row.params.update(signature_details)
    inner_ids = {found for name in inner if (found := _anaf_id(name))}
    row.anaf_id = min(unit.anaf_ids, default="")
    known = archived_original(
        run.organization, sha256=row.sha256, anaf_ids=unit.anaf_ids, upload_ids=inner_ids
    )
    if known is not None:
        row.company = known.message.company
        row.invoice_id = getattr(getattr(known.message, "invoice", None), "pk", None)
        return _done(
            row,
            ImportOutcome.DUPLICATE,
            "archived_bytes" if known.by == "sha256" else "archived_id",
            message=known.message.download_id,
            cif=known.message.company.cif,
        )
    reading = read_zip(data)
    if reading.problem and reading.kind != "error_report":
        return _done(row, ImportOutcome.UNREADABLE, "unreadable", detail=reading.problem[:2000])
    issuer = None
    if reading.kind == "error_report":
        issuer = einvoice.open_anaf_zip(data).issuer_cif
    gap = listed_unarchived(run.organization, anaf_ids=unit.anaf_ids)
    company: Company | None
    tried: dict[str, str]
    if gap is not None:  # ANAF listed it for this company: the ledger knows better than the CIFs
        company, direction, unmatched, tried = gap.company, gap.direction, "", {}
    else:
        company, direction, unmatched, tried = _company_for(reading.invoice, reading.kind, issuer, companies)
    if company is None:
        return _done(row, ImportOutcome.UNMATCHED, unmatched, **tried)
    download_id = row.anaf_id or f"import-{row.sha256[:32]}"
    invoice = original_import(
        company=company,
        download_id=download_id,
        upload_id=min(inner_ids, default=""),
        direction=direction,
        data=data,
        reading=reading,
    )
    row.company, row.invoice, row.anaf_id = company, invoice, download_id
    return _done(row, ImportOutcome.IMPORTED, "invalid" if reading.valid is False else "")


def original_bytes(organization: Organization, file_id: int) -> tuple[ImportedFile, bytes]:
    """An imported file of the organization and its stored bytes (`DoesNotExist` for another's)."""
    row = ImportedFile.objects.get(pk=file_id, run__organization=organization)
    if not row.sha256:
        raise ImportedFile.DoesNotExist
    return row, archive.blob_get(row.sha256)
