"""A named GGD Vangnet worker logs in to the production portal in headless Chromium, on
Keycloak's own login page (authorization code with PKCE), with the password the run
generated for her, and reads a case; triage's audit log then names her as the reader."""

from __future__ import annotations

import re
from pathlib import Path

from tests.production.partners import Partner, Tokens
from tests.production.stories import PRIVACY_OFFICER, check
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT_MS

WORKER, WORKER_NAME, WORKER_NUMBER = "ggd.devries", "Sanne de Vries", "GGD-0417"  # deploy/keycloak/realm.py


def read_case_in_portal(portal_url: str, issuer: str, password: str, case_key: str, screenshots: Path) -> None:
    if not CHROMIUM.exists():
        raise RuntimeError(f"Chromium is not installed at {CHROMIUM}; run deploy/local/install-browser.sh")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=portal_url, locale="nl-NL")
            context.set_default_timeout(UI_TIMEOUT_MS * 2)
            page = context.new_page()
            page.goto("/inloggen")
            page.get_by_role("link", name="Inloggen met uw account").click()
            page.wait_for_url(re.compile("^" + re.escape(issuer) + "/protocol/openid-connect/auth"))
            page.locator("#username").fill(WORKER)
            page.locator("#password").fill(password)
            page.locator("#kc-login").click()
            expect(page).to_have_url(re.compile(r"/ggd$"))
            expect(page.locator("header .who")).to_contain_text(f"{WORKER_NAME} ({WORKER_NUMBER})")
            page.goto(f"/ggd/zaken/{case_key}")
            page.get_by_label("Opvolging urgente melding", exact=True).check()
            page.get_by_role("button", name="Zaak inzien").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(case_key)
            page.screenshot(path=str(screenshots / "portal-ggd-case.png"), full_page=True)
        finally:
            browser.close()


def audited_as_the_worker(tokens: Tokens, triage_urls: list[str], case_key: str) -> dict:
    officer = Partner(tokens, PRIVACY_OFFICER, triage_urls)
    try:
        audit = officer.get("/v1/audit", params={"subject": case_key}).json()
    finally:
        officer.close()
    reads = [entry for entry in audit if entry["action"] == "read case" and entry["caller_kind"] == "person"]
    check(reads, f"no person's case read of {case_key} in triage's audit: {audit}")
    read = reads[0]
    check(
        (read["caller_name"], read["caller_employee_number"], read["organisation_id"]) == (WORKER_NAME, WORKER_NUMBER, "ggd-amsterdam-vangnet"),
        f"the audit names someone else: {read}",
    )  # fmt: skip
    return read
