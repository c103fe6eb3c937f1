"""The whole chain as separate processes on real Kafka and PostgreSQL, plus the
register stand-in and real webhook receivers; for the portal's tests also the monitor,
the portal and headless Chromium (`tests/support/browser.py`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import create_database, drop_database
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, FORM_ERROR_ANSWER, UI_TIMEOUT_MS
from tests.support.processes import ServiceProcess, free_port, stop_all
from tests.support.webhook_receiver import WebhookReceiver

SERVICES = ("arrears", "triage", "placement", "notifications")


@dataclass
class Chain:
    prefix: str
    urls: dict[str, str]
    processes: dict[str, ServiceProcess]
    receiver: WebhookReceiver
    kafka: str
    env: dict[str, str] = field(default_factory=dict)

    def client(self, service: str, organisation: str) -> httpx.Client:
        return httpx.Client(base_url=self.urls[service], headers={"X-API-Key": f"dev-{organisation}"}, timeout=10)

    def subscribe(self, organisation: str, path: str, event_types: list[str] | None = None) -> dict:
        with self.client("notifications", organisation) as client:
            response = client.post(
                "/v1/subscriptions", json={"callback_url": self.receiver.url(path), "event_types": event_types or []}
            )
        assert response.status_code == 201, response.text
        subscription = response.json()
        self.receiver.secrets[path] = subscription["secret"]
        return subscription

    def logs(self) -> str:
        return "\n".join(process.log_text() for process in self.processes.values())


@pytest.fixture(scope="module")
def chain(request, kafka_bootstrap, postgres_admin_url, tmp_path_factory):
    """One chain per test module. A module may set `CHAIN_ENV = {...}` to add settings."""
    log_dir: Path = tmp_path_factory.mktemp("chain-logs")
    prefix = f"e{uuid.uuid4().hex[:8]}."
    databases = {name: create_database(postgres_admin_url, name) for name in SERVICES}
    ports = {name: free_port() for name in (*SERVICES, "register")}
    env = {
        "SIGNAL_ENVIRONMENT": "test",  # services run on an AdjustableClock: POST /test/clock/advance
        "SIGNAL_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "SIGNAL_TOPIC_PREFIX": prefix,
        "REGISTER_PORT": str(ports["register"]),
        "TRIAGE_REGISTER_URL": f"http://127.0.0.1:{ports['register']}/haalcentraal/api/brp",
        "NOTIFICATIONS_TRIAGE_URL": f"http://127.0.0.1:{ports['triage']}",  # ZGW notificaties point at the case there
        "NOTIFICATIONS_PLACEMENT_URL": f"http://127.0.0.1:{ports['placement']}",
        "NOTIFICATIONS_VERIFY_SUBSCRIPTIONS": "true",  # the receiver echoes the handshake's challenge
        "NOTIFICATIONS_RETRY_FIRST_DELAY_SECONDS": "0.3",
        "NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS": "2",
    }
    env.update(getattr(request.module, "CHAIN_ENV", {}))
    for name in SERVICES:
        env[f"{name.upper()}_PORT"] = str(ports[name])
        env[f"{name.upper()}_DATABASE_URL"] = databases[name][1]
    receiver = WebhookReceiver().start()
    processes = {"register": ServiceProcess("services.register", ports["register"], env, log_dir, "/health")}
    processes.update({name: ServiceProcess(f"services.{name}", ports[name], env, log_dir) for name in SERVICES})
    try:
        for process in processes.values():
            process.start()
        for process in processes.values():
            process.wait_ready()
        yield Chain(
            prefix=prefix,
            urls={name: process.url for name, process in processes.items()},
            processes=processes,
            receiver=receiver,
            kafka=kafka_bootstrap,
            env=env,
        )
    finally:
        stop_all(processes.values())
        receiver.stop()
        for name, _url in databases.values():
            drop_database(postgres_admin_url, name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and "chain" in item.fixturenames:
        chain = item.funcargs.get("chain")
        if chain is not None:
            for name, process in chain.processes.items():
                report.sections.append((f"log of {name}", process.log_tail(60)))
    return report


def advance_clocks(chain: Chain, seconds: float) -> None:
    """Let time pass in every service at once (test environment only)."""
    for service in SERVICES:
        response = httpx.post(chain.urls[service] + "/test/clock/advance", json={"seconds": seconds}, timeout=10)
        assert response.status_code == 200, response.text


# --- the portal's processes: the monitor and the portal next to the module's chain ----------------


@pytest.fixture(scope="module")
def monitor(chain, postgres_admin_url, tmp_path_factory):
    name, url = create_database(postgres_admin_url, "monitor")
    port = free_port()
    env = {**chain.env, "MONITOR_PORT": str(port), "MONITOR_DATABASE_URL": url}
    process = ServiceProcess("services.monitor", port, env, tmp_path_factory.mktemp("monitor"))
    chain.processes["monitor"] = process  # its log shows up when a test fails
    try:
        process.start()
        process.wait_ready()
        yield process
    finally:
        process.stop()
        drop_database(postgres_admin_url, name)


@pytest.fixture(scope="module")
def portal(chain, monitor, tmp_path_factory):
    port = free_port()
    env = {
        **chain.env,
        "PORTAL_PORT": str(port),
        "PORTAL_ARREARS_URL": chain.urls["arrears"],
        "PORTAL_TRIAGE_URL": chain.urls["triage"],
        "PORTAL_PLACEMENT_URL": chain.urls["placement"],
        "PORTAL_NOTIFICATIONS_URL": chain.urls["notifications"],
        "PORTAL_MONITOR_URL": monitor.url,
    }
    process = ServiceProcess("services.portal", port, env, tmp_path_factory.mktemp("portal"))
    chain.processes["portal"] = process
    try:
        process.start()
        process.wait_ready()
        yield process
    finally:
        process.stop()


# --- the portal's browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; run deploy/local/install-browser.sh (or `make test`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, portal):
    context = browser.new_context(base_url=portal.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    # A form sent with errors answers 422 (or 409) with the form and its errors, as it should;
    # Chromium logs every 4xx document as a failed resource. Anything else is a real error.
    errors = [text for text in errors if not FORM_ERROR_ANSWER.fullmatch(text)]
    assert not errors, f"errors in the browser console: {errors}"
