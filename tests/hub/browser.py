"""Plain helpers of the browser tests (real Chromium through Playwright); the `browser` fixture in
`tests/hub/conftest.py` opens pages with them. One way to open a page: `browser(DESKTOP)` or
`browser(PHONE)`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from hub.accounts.models import User
from tests.hub.helpers import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}  # the two widths every browser test checks
T = TypeVar("T")


@contextmanager
def chromium_pages() -> Iterator[Callable[..., Any]]:
    """Yields `open_page(viewport, **context_options)`: a page of a new Romanian Chromium context (downloads
    allowed, 60 s timeouts); every context and the browser are closed on exit."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run ./dev test, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts: list[Any] = []

        def open_page(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
            context = chromium.new_context(
                **{"viewport": viewport, "locale": "ro-RO", "accept_downloads": True, **options}
            )
            context.set_default_timeout(60_000)
            contexts.append(context)
            return context.new_page()

        try:
            yield open_page
        finally:
            for context in contexts:
                context.close()
            chromium.close()


def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """ORM calls off the test thread: Playwright's sync API keeps an event loop there."""

    def run() -> T:
        from django.db import connection

        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def log_in(page: Any, base: str, user: User) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: page {width[0]} px wide on a {width[1]} px screen"
