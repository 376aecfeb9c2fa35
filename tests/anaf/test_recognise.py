"""ANAF's wordings are recognised narrowly: an unknown text is a plain error, never a false verdict (§6)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from anaf import Maintenance, MessageExpired, NoSpvRights, RateLimited, ResponseError, ServerError
from anaf._recognise import (
    BUCHAREST,
    body_kind,
    business_error,
    error_text,
    is_no_messages,
    server_time_in_future_error,
)

NOW = datetime(2026, 7, 30, 12, 0, tzinfo=UTC)

TEXTS = [
    ("Nu aveti drept in SPV pentru CIF=8000000000", NoSpvRights),
    ("Nu exista niciun CIF pentru care sa aveti drept in SPV", NoSpvRights),
    ("Nu exista niciun CIF petru care sa aveti drept", NoSpvRights),
    ("Nu aveti dreptul de inteorgare pentru id_incarcare= 18", NoSpvRights),
    ("Nu aveti dreptul sa descarcati acesta factura", NoSpvRights),
    ("S-au facut deja 10 descarcari la mesajul cu id_descarcare=3001 in cursul zilei", RateLimited),
    ("S-au facut deja 1000 interogari de lista mesaje de catre utilizator in cursul zilei", RateLimited),
    ("S-au incarcat deja 1000 de mesaje de tip RASP pentru cui=1234 in cursul zilei", RateLimited),
    (
        "Fisierul nu mai poate fi descarcat pentru ca a trecut perioada de 60 de zile "
        "in care este disponibil",
        MessageExpired,
    ),
    ("A aparut o eroare tehnica. Cod: 123", ServerError),
    ("Serviciul este temporar indisponibil din cauza unor lucrari de mentenanta", Maintenance),
    ("Pentru id=21 nu exista inregistrata nici o factura", ResponseError),
    ("Id descarcare introdus= 123a nu este un numar intreg", ResponseError),
    ("Ceva cu totul nou: descarcarea a expirat?", ResponseError),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_each_text_maps_to_exactly_one_kind(text: str, expected: type[ResponseError]) -> None:
    error = business_error(text, status=200, quota="download", now=NOW)

    assert type(error) is expected
    assert error.anaf_text == text
    assert error.status == 200


def test_no_messages_is_recognised_in_both_wordings() -> None:
    assert is_no_messages("Nu exista mesaje in ultimele 15 zile")
    assert is_no_messages("Nu exista mesaje in intervalul selectat")
    assert not is_no_messages("Nu exista factura cu id_incarcare= 15000")


def test_the_server_time_is_read_from_the_future_end_time_error() -> None:
    text = (
        "endTime = 30-07-2026 15:15:28 nu poate in viitor fata de momentul requestului = 30-07-2026 15:15:27"
    )

    assert server_time_in_future_error(text) == datetime(2026, 7, 30, 15, 15, 27, tzinfo=BUCHAREST)
    assert server_time_in_future_error("endTime = 02-12-2022 11:49:24 nu poate in viitor") is None


def test_json_labelled_text_plain_is_still_json() -> None:
    response = httpx.Response(
        200,
        content=b'{"eroare":"Nu exista mesaje","titlu":"Lista Mesaje"}',
        headers={"Content-Type": "text/plain"},
    )

    assert body_kind(response) == "json"
    assert error_text(response) == "Nu exista mesaje"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"%PDF-1.7", "pdf"),
        (b"<?xml version='1.0'?><header/>", "xml"),
        (b"<html><body>x</body></html>", "html"),
        (b"Hello", "text"),
        (b"  ", "empty"),
    ],
)
def test_body_kinds_are_sniffed(content: bytes, kind: str) -> None:
    assert body_kind(httpx.Response(200, content=content)) == kind
