"""An invoice's JSON shape reads the same in a webhook and in the API, whatever its times' fractions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from pydantic import TypeAdapter

from hub.api.v1 import InvoiceOut
from hub.inbox.shapes import _json


@pytest.mark.parametrize("microsecond", [0, 1, 999, 1000, 123456, 999999])
def test_a_time_is_written_as_the_api_writes_it_again(microsecond: int) -> None:
    """A webhook carries the summary's text; the API parses it with its schema's type and encodes it again."""
    moment = datetime(2026, 12, 2, 5, 12, 2, microsecond, tzinfo=UTC)
    written = _json(moment)

    assert InvoiceOut.model_fields["archived_at"].annotation is datetime
    parsed = TypeAdapter(datetime).validate_python(written)
    assert json.loads(json.dumps(parsed, cls=DjangoJSONEncoder)) == written
    assert str(written).startswith("2026-12-02T05:12:02")
