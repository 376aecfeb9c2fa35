"""CPU per invoice of the worker's steps after ANAF's answer: archive, open, parse, validate, store.

    .venv/bin/python bench/bench_reading.py [--invoices 600] [--rounds 3] [--documents samples|traffic]

Without the network: each message's ZIP (signed as the sandbox signs them) is handed to
`downloads.message_fetch` by a client that answers at once, then read and stored by
`downloads.message_read`, exactly as a sync does after each download. Uses a throw-away SQLite file, or the
PostgreSQL database named by `DATABASE_URL` (which it empties). Prints the median over rounds of each step's
CPU per invoice (this thread's clock; Saxon runs in it), one process, one thread, after a warm-up.

`--documents` picks what one of bench_sync's two scenarios downloads: `samples`, the sandbox's sample invoice
and credit note (its big company's inbox), or `traffic`, the invoices the sandbox generates for its small
companies (1 to 4 lines, VAT rates of 21, 11 and 0 %, some buyers named by CIF alone).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from bench_sync import instrument
from benchkit import hub_on_throwaway_database

STEPS = ("archive", "open", "parse", "validate", "store")
SEEDS = ("supplier_invoice.xml", "supplier_credit_note.xml")  # one in ten a credit note, as in bench_sync
TRAFFIC_SEED = 1  # any seed: the traffic's invoices differ by their number


@dataclass
class Answer:
    raw: bytes


class ImmediateClient:
    """Answers `download` with the ZIP prepared for the id: the worker's CPU without the network's wait."""

    def __init__(self, zips: dict[str, bytes]) -> None:
        self.zips = zips

    def download(self, download_id: str) -> Answer:
        return Answer(self.zips[download_id])


def signed_zip(index: str, data: bytes) -> bytes:
    from anaf_sandbox import signature
    from anaf_sandbox.keys import load_keys

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"semnatura_{index}.xml", signature.sign(load_keys(None), f"{index}.xml", data))
        archive.writestr(f"{index}.xml", data)
    return buffer.getvalue()


@cache
def sample_seeds() -> tuple[bytes, ...]:
    folder = files("anaf_sandbox") / "seeds" / "invoices"
    return tuple((folder / name).read_bytes() for name in SEEDS)


def sample_document(n: int) -> bytes:
    """The sandbox's sample invoice (one in ten its sample credit note), numbered `n`."""
    return sample_seeds()[n % 10 == 0].replace(b"</cbc:ID>", f"-{n}</cbc:ID>".encode(), 1)


def traffic_document(n: int) -> bytes:
    """Generated invoice `n` of the sandbox's traffic, as bench_sync's small companies receive them."""
    from anaf_sandbox import traffic
    from anaf_sandbox.seed import Company

    buyer = Company(cif="16000015", name="Firma Bench SRL")  # as bench_sync's seed names its companies
    return traffic.invoice_xml(TRAFFIC_SEED, n, buyer, datetime.now(UTC), 0.1)


def setup() -> Any:
    _user, organization = hub_on_throwaway_database()
    from hub.accounts.models import Company

    return Company.objects.create(organization=organization, cif="16000015", name="Firma")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--documents", choices=("samples", "traffic"), default="samples")
    args = parser.parse_args()
    company = setup()

    import einvoice
    from hub.documents import reading
    from hub.inbox.models import Message
    from hub.inbox.services import downloads

    clock = instrument()  # bench_sync's steps: `fetch`, `read` and the parts inside them
    assert vars(reading)["einvoice"] is einvoice  # read_zip calls the wrapped parse and validate
    einvoice.warm_up("ro")

    document = sample_document if args.documents == "samples" else traffic_document
    counter = iter(range(4_000_000_000, 5_000_000_000))

    def one_round(count: int) -> dict[str, float]:
        zips = {}
        for n in range(count):
            download_id = str(next(counter))
            # Each document differs (its number), as real ones do: no cache can answer for another.
            zips[download_id] = signed_zip(download_id, document(n))
        messages = Message.objects.bulk_create(
            Message(
                company=company,
                download_id=download_id,
                direction="received",
                listed_at=datetime.now(UTC),
                created_at=datetime.now(UTC),
                details=f"Factura {download_id}",
            )
            for download_id in zips
        )
        client = ImmediateClient(zips)
        clock.reset()
        for message in Message.objects.filter(pk__in=[m.pk for m in messages]).select_related("company"):
            fetched = downloads.message_fetch(client=client, message=message)  # type: ignore[arg-type]
            assert fetched.data is not None
            downloads.message_read(message=message, data=fetched.data, opened=fetched.opened)
        seconds = dict(clock.seconds)
        return {
            "archive": seconds["fetch"],
            "open": seconds["read"] - seconds["parse"] - seconds["validate"],
            "parse": seconds["parse"],
            "validate": seconds["validate"],
            "store": seconds["store"],
        }

    one_round(60)  # warm-up
    rounds = [one_round(args.invoices) for _ in range(args.rounds)]
    database = "PostgreSQL" if "postgres" in os.environ["DATABASE_URL"] else "SQLite"
    medians = {step: statistics.median(r[step] for r in rounds) / args.invoices * 1000 for step in STEPS}
    parts = "  ".join(f"{step} {medians[step]:.2f}" for step in STEPS)
    total = sum(medians.values())
    heading = f"{database}, {args.documents}, {args.invoices} invoices x {args.rounds} rounds"
    print(f"{heading}, CPU ms/invoice: {parts}  |  total {total:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
