"""The access log never keeps the OAuth callback's code."""

import logging

from hub.core.logfilters import RedactQueryString


def test_it_drops_the_query_string_from_access_log_lines() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        (
            "127.0.0.1:5000",
            "GET",
            "/integrations/ro-efactura/oauth/callback/?code=SECRET&state=x",
            "1.1",
            302,
        ),
        None,
    )

    RedactQueryString().filter(record)

    assert "SECRET" not in record.getMessage()
    assert "/integrations/ro-efactura/oauth/callback/?…" in record.getMessage()
