"""Romanian CIF check digits and county/sector codes, as the builder and the sandbox need them."""

from __future__ import annotations

import pytest

from einvoice import cif_is_valid, cif_with_check_digit, county_code, sector_code
from einvoice.cif import normalize_cif


@pytest.mark.parametrize("cif", ["18547290", "RO18547290", " ro 18547290 ", "8609468", "14399840"])
def test_it_accepts_cifs_with_a_correct_check_digit(cif: str) -> None:
    assert cif_is_valid(cif)


@pytest.mark.parametrize("cif", ["18547291", "1234", "RO", "", "RO1854729A", "12345678901"])
def test_it_rejects_wrong_or_malformed_cifs(cif: str) -> None:
    assert not cif_is_valid(cif)


def test_it_appends_the_check_digit() -> None:
    assert cif_with_check_digit("1854729") == "18547290"
    assert cif_with_check_digit(860946) == "8609468"
    assert all(cif_is_valid(cif_with_check_digit(body)) for body in range(1, 5000, 7))


@pytest.mark.parametrize(
    ("written", "bare"),
    [
        ("RO18547290", "18547290"),
        (" ro 1854 7290 ", "18547290"),
        ("8609468", "8609468"),
        (8609468, "8609468"),
    ],
)
def test_normalize_gives_the_bare_digits_anaf_wants(written: str | int, bare: str) -> None:
    assert normalize_cif(written) == bare


@pytest.mark.parametrize("written", ["", "RO", "RO1854729A", "CUI 18547290", "18-547-290"])
def test_normalize_refuses_what_is_not_a_number(written: str) -> None:
    with pytest.raises(ValueError, match="A CIF is a number"):
        normalize_cif(written)


@pytest.mark.parametrize("body", ["", "0123456789", "12a"])
def test_it_refuses_a_body_that_is_not_1_to_9_digits(body: str) -> None:
    with pytest.raises(ValueError, match="1 to 9 digits"):
        cif_with_check_digit(body)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("RO-CJ", "RO-CJ"),
        ("cj", "RO-CJ"),
        ("Cluj", "RO-CJ"),
        ("Județul Argeș", "RO-AG"),
        ("Argeş", "RO-AG"),
        ("București", "RO-B"),
        ("Bistrita Nasaud", "RO-BN"),
        ("Atlantis", None),
    ],
)
def test_it_maps_county_names_to_iso_codes(text: str, code: str | None) -> None:
    assert county_code(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("SECTOR1", "SECTOR1"), ("Sector 3", "SECTOR3"), ("sectorul 6", "SECTOR6"), ("Sector 7", None)],
)
def test_it_maps_bucharest_sectors(text: str, code: str | None) -> None:
    assert sector_code(text) == code
