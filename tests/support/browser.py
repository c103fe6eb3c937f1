"""Headless Chromium for the portal's tests: where the browser is, how it starts, how long the
pages may take, and the page helpers every portal test uses (log in, screenshot with the
axe-core check, Playwright's expect).

Chromium is Debian's (/usr/bin/chromium, `deploy/local/install-browser.sh`); a missing
browser FAILS the tests that need it, like missing Kafka or PostgreSQL does."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.support.axe import assert_accessible

CHROMIUM = Path(os.environ.get("SIGNAL_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
UI_TIMEOUT_MS = 15_000
FORM_ERROR_ANSWER = re.compile(r"Failed to load resource: the server responded with a status of (409 \(Conflict\)|422 \(Unprocessable Entity\))")


def log_in(page, organisation: str) -> None:
    page.goto("/inloggen")
    assert_accessible(page)
    page.get_by_label("Organisatie", exact=True).select_option(organisation)
    page.get_by_label("Geheime sleutel van de organisatie", exact=True).fill(f"dev-{organisation}")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    cookie = next(c for c in page.context.cookies() if c["name"] == "signaalketen_sessie")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and "." not in cookie["value"]


def shot(page, tmp_path: Path, name: str) -> None:
    """A screenshot of the page, and axe-core's check of it: zero WCAG 2.1 AA violations."""
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert_accessible(page)


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect
