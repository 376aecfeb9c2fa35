"""The oracle: each of CEN's rule unit tests fires exactly the rule it names (rules="en16931").

Every ``<test>`` in ``cen-unit-tests/`` wraps one UBL document and names a rule it must trigger as an
error (``<error>``) or a warning (``<warning>``), or must not trigger (``<success>``). The documents are
fragments, so XSD findings are expected and ignored here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from lxml import etree

from einvoice import validate
from einvoice.validate import warm_up
from tests.corpus.corpus_files import corpus_files

VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"


@dataclass(frozen=True)
class Case:
    name: str
    document: bytes
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    successes: tuple[str, ...]


def _cases() -> list[Case]:
    cases = []
    for path in corpus_files("cen-unit-tests/*/*.xml"):
        root = etree.parse(str(path)).getroot()
        for number, test in enumerate(root.iter(f"{VEFA}test"), start=1):
            expect = test.find(f"{VEFA}assert")
            assert expect is not None
            (document,) = [child for child in test if not str(child.tag).startswith(VEFA)]

            def named(kind: str, expect: etree._Element = expect) -> tuple[str, ...]:
                return tuple((element.text or "").strip() for element in expect.iter(f"{VEFA}{kind}"))

            cases.append(
                Case(
                    f"{path.parent.name}/{path.stem}#{number}",
                    etree.tostring(document),
                    named("error"),
                    named("warning"),
                    named("success"),
                )
            )
    return cases


CASES = _cases()


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    warm_up("en16931")


def test_every_unit_test_file_was_read() -> None:
    assert len(CASES) > 1000
    assert {case.name.split("/")[0] for case in CASES} == {"Invoice-unit-UBL", "CreditNote-unit-UBL"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_it_fires_exactly_the_rule_the_case_names(case: Case) -> None:
    report = validate(case.document, rules="en16931")

    errors = {finding.rule for finding in report.errors}
    warnings = {finding.rule for finding in report.warnings}
    assert "SCHEMATRON" not in errors
    assert set(case.errors) <= errors
    assert set(case.warnings) <= warnings
    assert not set(case.successes) & (errors | warnings)
