"""The inbox list at 100,000 invoices: how long the pages and the API take (run by hand).

    .venv/bin/python bench/bench_inbox.py [--invoices 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/efactura_bench .venv/bin/python bench/bench_inbox.py

Uses a throw-away SQLite file (or the PostgreSQL database named by DATABASE_URL, which it empties), fills it
with synthetic invoices through the ORM, then times full page renders with Django's test client and the
API's cursor pages. Each line is the p50 and p95 of `--runs` requests (20 by default) after a warm-up, and
the CPU time this process spent on a request (its median: the database server's own work is not in it),
and the queries one request made; see docs/performance.md for what was measured.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from benchkit import hub_on_throwaway_database

SUPPLIERS = [
    ("Țesătoria Bistrița SRL", "18547290"),
    ("Brutăria Ștefănescu SRL", "23456781"),
    ("Fierăria Râșnov SRL", "31234562"),
    ("Cafeneaua Mureșului SRL", "40123453"),
    ("Tipografia Oltenița SRL", "12345674"),
]


def setup(invoices: int) -> tuple[object, object, object]:
    user, organization = hub_on_throwaway_database()
    from hub.accounts.models import Company
    from hub.core.text import fold
    from hub.inbox.models import Invoice, Message

    companies = [
        Company.objects.create(organization=organization, cif=cif, name=f"Firma {index}")
        for index, cif in enumerate(("16000015", "29000025", "31500030"))
    ]
    rng = random.Random(1)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch = 5000
    for offset in range(0, invoices, batch):
        messages = [
            Message(
                company=companies[n % 3],
                download_id=str(3_000_000_000 + n),
                direction="received",
                listed_at=start,
                created_at=start + timedelta(minutes=n),
                state="archived",
            )
            for n in range(offset, min(offset + batch, invoices))
        ]
        Message.objects.bulk_create(messages)
        rows = []
        for message in messages:
            n = int(message.download_id) - 3_000_000_000
            name, cif = SUPPLIERS[rng.randrange(len(SUPPLIERS))]
            number = f"FCT-{n:07d}"
            rows.append(
                Invoice(
                    organization=organization,
                    company=message.company,
                    message=message,
                    direction="received",
                    kind="invoice",
                    state="ok",
                    number=number,
                    issue_date=date(2026, 1, 1) + timedelta(days=n % 300),
                    currency="RON",
                    seller_name=name,
                    seller_cif=cif,
                    payable=Decimal(rng.randrange(100, 10_000_000)) / 100,
                    received_at=message.created_at,
                    search=fold(f"{name} {number} {cif}"),  # as `services.reading` stores it
                    created=message.created_at,
                )
            )
        Invoice.objects.bulk_create(rows)
    from django.db import connection

    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: planner statistics and, on PostgreSQL, the visibility map
        # that lets an index-only scan skip the table.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return organization, user, companies[0]


RUNS = 20


def timed(label: str, action: Callable[[], object]) -> None:
    from django.db import connection

    queries = []  # counted by a wrapper: the request's end closes the connection, a wrapper survives it

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        action()
    runs = []
    cpu = []  # this process's CPU (Django, the driver): steadier than the wall clock on a shared machine
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        cpu.append((time.process_time() - started_cpu) * 1000)
        runs.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(runs, n=20, method="inclusive")[18]
    print(
        f"{label:<48} p50 {statistics.median(runs):7.1f} ms  p95 {p95:7.1f} ms  "
        f"cpu p50 {statistics.median(cpu):6.1f} ms  {len(queries):3d} queries"
    )


SEARCHES = ("brutăria", "fct-0054321", "fct-00543", "nimic-de-gasit")


def search_page(organization: object, term: str) -> object:
    """What the list does for a search: the bounded count (or the few matching ids), then one page."""
    from hub.inbox.selectors import InvoiceFilters, counted, invoice_rows, invoices_for

    filters = InvoiceFilters(q=term)
    _total, rows = counted(invoices_for(organization, filters), filters)  # type: ignore[arg-type]
    return list(invoice_rows(rows)[:50])


def search_queries(organization: object) -> None:
    """The search alone, without the page render: first page of ids and the bounded count, plus the plan."""
    from django.db import connection

    from hub.inbox.selectors import InvoiceFilters, invoices_for

    for term in SEARCHES:
        timed(f"query, search {term!r}: count + page", lambda term=term: search_page(organization, term))
    if connection.vendor == "postgresql":
        rows = invoices_for(organization, InvoiceFilters(q="fct-0054321"))  # type: ignore[arg-type]
        print("EXPLAIN of the count for 'fct-0054321':")
        print(rows.order_by()[:10_001].values("pk").explain())
        print("EXPLAIN of the first page of 'brutaria':")
        print(invoices_for(organization, InvoiceFilters(q="brutaria"))[:50].explain())  # type: ignore[arg-type]
    else:
        rows = invoices_for(organization, InvoiceFilters(q="fct-0054321"))  # type: ignore[arg-type]
        print("EXPLAIN QUERY PLAN of the ids of 'fct-0054321':")
        print(rows.order_by()[:2001].values("pk").explain())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="timed requests per line")
    parser.add_argument(
        "--without-trigram", action="store_true", help="PostgreSQL: drop the search index, for a before/after"
    )
    args = parser.parse_args()
    global RUNS  # noqa: PLW0603 (a bench's knob)
    RUNS = max(2, args.runs)
    started = time.perf_counter()
    organization, user, company = setup(args.invoices)
    from django.db import connection

    if args.without_trigram and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX inbox_search_trgm")
    from django.test import Client

    from hub.api.services import api_key_create
    from hub.inbox.selectors import InvoiceFilters, invoices_for

    print(f"{connection.vendor}: {args.invoices} invoices loaded in {time.perf_counter() - started:.0f} s")
    client = Client()
    client.force_login(user)
    base = f"/o/{organization.slug}/inbox/"  # type: ignore[attr-defined]

    def page(params: dict[str, str]) -> Callable[[], object]:
        def get() -> object:
            response = client.get(base, params)
            assert response.status_code == 200, response.status_code
            return response

        return get

    timed("list, first page (newest received)", page({}))
    timed("list, page 200 (offset 9,950)", page({"page": "200"}))
    timed("list, page 2, htmx fragment", lambda: client.get(base, {"page": "2"}, HTTP_HX_REQUEST="true"))
    timed("list, one company", page({"company": str(company.pk)}))  # type: ignore[attr-defined]
    timed("list, search 'brutăria'", page({"q": "brutăria"}))
    timed("list, search without diacritics 'brutaria'", page({"q": "brutaria"}))
    timed("list, search a number 'fct-0054321'", page({"q": "fct-0054321"}))
    timed("list, supplier CIF + sort by amount", page({"supplier": "18547290", "sort": "amount"}))
    timed("list, sort by issue date", page({"sort": "issued"}))
    timed(
        "list, amount range + period",
        page({"amount_min": "1000", "amount_max": "5000", "date_from": "2026-03-01"}),
    )
    search_queries(organization)
    _row, key = api_key_create(organization=organization, name="bench", scopes=["read"])  # type: ignore[arg-type]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    timed("API /invoices, first 100", lambda: api.get("/api/v1/invoices", {"limit": "100"}))
    timed("API /invoices, cursor deep in the table", lambda: api.get("/api/v1/invoices", {"cursor": "90000"}))
    timed(
        "API /invoices, search a number 'fct-0054321'",
        lambda: api.get("/api/v1/invoices", {"q": "fct-0054321"}),
    )
    timed("API /invoices, search 'brutaria'", lambda: api.get("/api/v1/invoices", {"q": "brutaria"}))
    timed(
        "API /invoices, one company + supplier",
        lambda: api.get("/api/v1/invoices", {"company": str(company.pk), "supplier": "18547290"}),  # type: ignore[attr-defined]
    )
    if connection.vendor == "sqlite":
        rows = invoices_for(organization, InvoiceFilters(supplier="18547290", sort="amount"))  # type: ignore[arg-type]
        print("EXPLAIN QUERY PLAN of supplier + sort by amount:")
        print(rows.values("pk")[:50].explain())
    return 0


if __name__ == "__main__":
    sys.exit(main())
