"""Documents and list entries: how an invoice becomes messages in SPV inboxes (docs/anaf.md §2.3, §2.10).

A *document* is what ``descarcare`` serves (download id ``30...``); an *entry* is one line of a CIF's message
list. The seller's FACTURA TRIMISA and the buyer's FACTURA PRIMITA share one document and one download id
(§8.9 is open; one id keeps a download identical for both sides).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import checks, traffic

if TYPE_CHECKING:
    from .core import Sandbox

SENT = "FACTURA TRIMISA"
RECEIVED = "FACTURA PRIMITA"
ERRORS = "ERORI FACTURA"
BUYER_MESSAGE = "MESAJ CUMPARATOR PRIMIT / MESAJ CUMPARATOR TRANSMIS"
FILTERS = {"E": {ERRORS}, "T": {SENT}, "P": {RECEIVED}, "R": {BUYER_MESSAGE}}


def invoice_details(index: str, seller: str, buyer: str) -> str:
    return f"Factura cu id_incarcare={index} emisa de cif_emitent={seller} pentru cif_beneficiar={buyer}"


def self_billed_details(index: str, seller: str, buyer: str) -> str:
    # Production wording per docs/anaf.md §2.3 (double space, "autofactura" without the test typo).
    return f"Factura cu id_incarcare={index} transmisa de cif={buyer}  ca autofactura in numele cif={seller}"


def error_details(index: str, self_billed: bool = False) -> str:
    if self_billed:
        return (
            "Erori de validare identificate la factura de tip declarat=AUTOFACTURA, "
            f"transmisa cu id_incarcare={index}"
        )
    return f"Erori de validare identificate la factura transmisa cu id_incarcare={index}"


def add_document(
    sandbox: Sandbox,
    *,
    kind: str,
    source: dict[str, Any],
    index: str,
    seller: str,
    buyer: str,
    created_at: datetime,
    download_id: str | None = None,
) -> str:
    """Store a downloadable document (``kind`` "invoice" or "errors") and return its download id."""
    download_id = download_id or sandbox.state.new_download_id()
    with sandbox.state.lock:
        sandbox.state.documents[download_id] = {
            "kind": kind,
            "source": source,
            "index": index,
            "seller": seller,
            "buyer": buyer,
            "created_at": created_at.isoformat(),
        }
    return download_id


def add_entry(
    sandbox: Sandbox, *, download_id: str, cif: str, tip: str, index: str, detalii: str, created_at: datetime
) -> None:
    with sandbox.state.lock:
        sandbox.state.entries.append(
            {
                "id": download_id,
                "cif": cif,
                "tip": tip,
                "id_solicitare": index,
                "detalii": detalii,
                "created_at": created_at.isoformat(),
            }
        )


def add_invoice_messages(
    sandbox: Sandbox,
    *,
    source: dict[str, Any],
    seller: str,
    buyer: str,
    created_at: datetime,
    index: str | None = None,
    download_id: str | None = None,
    seller_sees: bool = True,
    buyer_sees: bool = True,
    self_billed: bool = False,
) -> tuple[str, str]:
    """An accepted invoice: FACTURA TRIMISA for the seller, FACTURA PRIMITA for the buyer. (index, id)."""
    index = index or sandbox.state.new_upload_index()
    download_id = add_document(
        sandbox,
        kind="invoice",
        source=source,
        index=index,
        seller=seller,
        buyer=buyer,
        created_at=created_at,
        download_id=download_id,
    )
    detalii = (self_billed_details if self_billed else invoice_details)(index, seller, buyer)
    if seller_sees:
        add_entry(
            sandbox,
            download_id=download_id,
            cif=seller,
            tip=SENT,
            index=index,
            detalii=detalii,
            created_at=created_at,
        )
    if buyer_sees:
        add_entry(
            sandbox,
            download_id=download_id,
            cif=buyer,
            tip=RECEIVED,
            index=index,
            detalii=detalii,
            created_at=created_at,
        )
    return index, download_id


def add_file_message(sandbox: Sandbox, spec: dict[str, Any]) -> dict[str, str]:
    """A message whose invoice is an XML file (seed ``messages`` or ``POST /_sandbox/messages``)."""
    if spec.get("created_at"):
        created_at = datetime.fromisoformat(spec["created_at"])
    else:
        created_at = sandbox.now() - timedelta(days=float(spec.get("age_days") or 0))
    if spec.get("xml") is not None:
        data = spec["xml"].encode("utf-8")
        source = {"type": "blob", "sha256": sandbox.store.put_blob(data)}
    else:
        data = Path(spec["file"]).read_bytes()
        source = {"type": "file", "path": str(Path(spec["file"]))}
    received = spec["direction"] == "received"
    facts = checks.facts(data)
    cif = spec["cif"]
    partner = spec.get("partner_cif") or (facts.seller_cif if received else facts.buyer_cif) or "0"
    index, download_id = add_invoice_messages(
        sandbox,
        source=source,
        seller=partner if received else cif,
        buyer=cif if received else partner,
        created_at=created_at,
        index=spec.get("id_solicitare"),
        download_id=spec.get("id"),
        seller_sees=not received,
        buyer_sees=received,
    )
    return {"id_solicitare": index, "id": download_id}


def load_seeded(sandbox: Sandbox) -> None:
    """Seed ``messages`` and generated ``traffic`` become list entries (oldest first)."""
    seed = sandbox.seed
    for message in seed.messages:
        add_file_message(
            sandbox,
            {
                "cif": message.cif,
                "direction": message.direction,
                "file": message.file,
                "partner_cif": message.partner_cif,
                "created_at": message.created_at.isoformat() if message.created_at else None,
                "age_days": message.age_days,
                "id": message.id,
                "id_solicitare": message.id_solicitare,
            },
        )
    if seed.traffic is None:
        return
    now = sandbox.now()
    companies = [c for c in seed.companies if not seed.traffic.companies or c.cif in seed.traffic.companies]
    planned = traffic.plan(seed.traffic, [c.cif for c in companies], now)
    for item in sorted(planned, key=lambda i: i.created_at):
        add_invoice_messages(
            sandbox,
            source={
                "type": "traffic",
                "seed": seed.traffic.seed,
                "n": item.n,
                "credit_ratio": seed.traffic.credit_note_ratio,
            },
            seller=item.supplier_cif,
            buyer=item.buyer_cif,
            created_at=item.created_at,
            seller_sees=False,
        )


def visible_entries(
    sandbox: Sandbox, cif: str, start: datetime, end: datetime, filtru: str | None
) -> list[dict[str, Any]]:
    """Entries of ``cif`` created in ``[start, end]``, newest first."""
    kinds = FILTERS.get(filtru) if filtru else None
    with sandbox.state.lock:
        found = [
            e
            for e in sandbox.state.entries
            if e["cif"] == cif
            and (kinds is None or e["tip"] in kinds)
            and start <= datetime.fromisoformat(e["created_at"]) <= end
        ]
    found.sort(key=lambda e: (e["created_at"], e["id"]), reverse=True)
    return found


def retention_ends(document: dict[str, Any], days: int) -> datetime:
    return datetime.fromisoformat(document["created_at"]) + timedelta(days=days)
