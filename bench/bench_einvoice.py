"""Speed and memory of the e-invoice library, next to the raw libraries it wraps (run by hand).

    .venv/bin/python bench/bench_einvoice.py [parse|validate|render|memory|all]

Pinned to one core; every figure is taken after a warm-up. Invoices are generated with ``build_ubl``.
Targets: parse 10 lines < 1 ms and 1,000 lines < 50 ms median; XSD + CIUS-RO of 10 lines
< 15 ms median; PDF of a one-page invoice < 400 ms; memory while parsing < 10x the file size.
See docs/einvoice.md for the figures measured.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from lxml import etree

import einvoice
from einvoice import Address, Contact, Invoice, Line, Party, PaymentMeans, build_ubl, compute_totals
from einvoice.validate import SAFE_PARSER_OPTIONS, data_path


def make_invoice(lines: int) -> Invoice:
    invoice = Invoice(
        number=f"BENCH-{lines}",
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        currency="RON",
        notes=["Factură generată pentru măsurători."],
        seller=Party(
            name="Furnizor Demo SRL",
            vat_id="RO18547290",
            registration_id="J12/345/2020",
            address=Address(
                street="Str. Memorandumului 28", city="Cluj-Napoca", postal_code="400114", county="RO-CJ",
                country="RO",
            ),
            contact=Contact(email="ana@furnizor.ro"),
        ),
        buyer=Party(
            name="Cumpărător Exemplu SA",
            vat_id="RO14399840",
            address=Address(street="Bd. Unirii 1", city="SECTOR3", county="RO-B", country="RO"),
        ),
        payment_means=[PaymentMeans(code="30", iban="RO49AAAA1B31007593840000")],
        lines=[
            Line(
                id=str(number),
                name=f"Articol de test {number}",
                quantity=Decimal(number % 7 + 1),
                unit_code="H87",
                price=Decimal("12.50"),
                vat_category="S",
                vat_rate=Decimal("19"),
            )
            for number in range(1, lines + 1)
        ],
    )  # fmt: skip
    return compute_totals(invoice)


def timed(function: Callable[[], object], *, repeat: int, warmup: int = 3) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def report(name: str, ours: tuple[float, float], raw: tuple[float, float], target: float | None) -> None:
    verdict = "" if target is None else ("  ok" if ours[0] < target else "  OVER TARGET")
    limit = "" if target is None else f" (target < {target:g} ms)"
    print(
        f"{name:<34} ours {ours[0]:8.2f} ms median, p95 {ours[1]:8.2f}"
        f" | raw {raw[0]:8.2f} ms median, p95 {raw[1]:8.2f}{limit}{verdict}"
    )


def bench_parse() -> None:
    parser = etree.XMLParser(**SAFE_PARSER_OPTIONS)
    for lines, repeat, target in ((10, 500, 1.0), (1000, 30, 50.0)):
        data = build_ubl(make_invoice(lines))
        ours = timed(lambda data=data: einvoice.parse(data), repeat=repeat)
        raw = timed(lambda data=data: etree.fromstring(data, parser), repeat=repeat)
        report(f"parse {lines} lines ({len(data) // 1024} KB)", ours, raw, target)


def bench_validate() -> None:
    from saxonche import PySaxonProcessor

    data = build_ubl(make_invoice(10))
    report_ = einvoice.validate(data, rules="ro")
    assert report_.valid, report_.errors
    ours = timed(lambda: einvoice.validate(data, rules="ro"), repeat=200)

    parser = etree.XMLParser(**SAFE_PARSER_OPTIONS)
    schema = etree.XMLSchema(etree.parse(str(data_path() / "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd"), parser))
    processor = PySaxonProcessor(license=False)
    stylesheet = data_path() / "cius-ro-1.0.9/EN16931-CIUS_RO-UBL-validation.xslt"
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(stylesheet))

    def raw_validation(data: bytes) -> None:
        schema.validate(etree.fromstring(data, parser))
        executable.transform_to_string(xdm_node=processor.parse_xml(xml_text=data.decode("utf-8")))

    raw = timed(lambda: raw_validation(data), repeat=200)
    report(f"validate 10 lines XSD+CIUS-RO ({len(data) // 1024} KB)", ours, raw, 15.0)
    all_rules = timed(lambda: einvoice.validate(data), repeat=100)
    print(f"{'validate 10 lines, rules=all':<34} ours {all_rules[0]:8.2f} ms median, p95 {all_rules[1]:8.2f}")
    big = build_ubl(make_invoice(1000))
    big_ours = timed(lambda: einvoice.validate(big, rules="ro"), repeat=5, warmup=1)
    big_raw = timed(lambda: raw_validation(big), repeat=5, warmup=1)
    report(f"validate 1000 lines ({len(big) // 1024} KB)", big_ours, big_raw, None)


def bench_render() -> None:
    import weasyprint

    invoice = make_invoice(10)
    html = einvoice.render_html(invoice)
    ours = timed(lambda: einvoice.render_pdf(invoice), repeat=20)
    raw = timed(lambda: weasyprint.HTML(string=html).write_pdf(), repeat=20)
    report("PDF of a one-page invoice (10 lines)", ours, raw, 400.0)


_MEMORY_CHILD = """
import gc, sys
from lxml import etree
import einvoice

def status(field):
    with open("/proc/self/status") as handle:
        return next(int(row.split()[1]) for row in handle if row.startswith(field + ":"))

data = open(sys.argv[1], "rb").read()
mode = sys.argv[2]
gc.collect()
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # reset the peak (VmHWM) to the current resident size
before = status("VmRSS")
result = einvoice.parse(data) if mode == "ours" else etree.fromstring(data)
print((status("VmHWM") - before) * 1024)
"""


def bench_memory() -> None:
    """Peak resident memory added while parsing, in a fresh process per measurement (Linux only)."""
    import tempfile

    for lines in (1000, 5000):
        data = build_ubl(make_invoice(lines))
        with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
            handle.write(data)
            handle.flush()
            figures = {}
            for mode in ("ours", "raw"):
                output = subprocess.run(
                    [sys.executable, "-c", _MEMORY_CHILD, handle.name, mode],
                    capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                figures[mode] = int(output.strip())
        size = len(data)
        print(
            f"memory parsing {lines} lines ({size // 1024} KB): ours +{figures['ours'] // 1024} KB peak RSS"
            f" = {figures['ours'] / size:.1f}x file size | raw lxml +{figures['raw'] // 1024} KB"
            f" = {figures['raw'] / size:.1f}x (target < 10x)"
        )


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    benches = {
        "parse": bench_parse,
        "validate": bench_validate,
        "render": bench_render,
        "memory": bench_memory,
    }
    for name, bench in benches.items():
        if which in (name, "all"):
            bench()


if __name__ == "__main__":
    main()
