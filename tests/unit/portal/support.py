"""The portal in front of the real services, in-process: arrears, placement, notifications
and monitor apps (and triage, with the register stand-in on a loopback port, when asked)
on one in-memory bus and one FakeClock, reached by the portal's httpx client through a
transport that picks the app by host name (http://placement.test, ...).

Nothing of our own is mocked: the portal calls the services' real endpoints, with real
bearer tokens from their real /oauth/token."""

from __future__ import annotations

import re

from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.runtime import build_runtime
from services.arrears.app import create_app as arrears_app
from services.arrears.settings import ArrearsSettings
from services.monitor.app import create_app as monitor_app
from services.monitor.settings import MonitorSettings
from services.notifications.app import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from services.placement.app import create_app as placement_app
from services.placement.settings import PlacementSettings
from services.portal.app import create_app as portal_app
from services.portal.settings import PortalSettings
from services.triage.app import create_app as triage_app
from services.triage.settings import TriageSettings

SERVICES = ("arrears", "triage", "placement", "notifications", "monitor")


class ByHost(httpx.AsyncBaseTransport):
    """Route each request to the in-process app named by its host (`<service>.test`)."""

    def __init__(self, apps: dict[str, FastAPI]):
        self._transports = {f"{name}.test": httpx.ASGITransport(app=app) for name, app in apps.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._transports.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no service at {request.url.host}", request=request)
        return await transport.handle_async_request(request)


@dataclass
class InProcessChain:
    bus: InMemoryBus
    clock: FakeClock
    apps: dict[str, FastAPI]
    portal: httpx.AsyncClient
    portal_app: FastAPI

    def service(self, name: str, organisation: str | None = None) -> httpx.AsyncClient:
        headers = {"X-API-Key": f"dev-{organisation}"} if organisation else {}
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.apps[name]), base_url=f"http://{name}.test", headers=headers
        )

    async def login(self, organisation: str) -> httpx.Response:
        """Log in with the organisation's development key, as the form does; afterwards the
        client sends the new session's CSRF token with every request (as the forms do)."""
        self.portal.headers.pop("X-CSRF-Token", None)
        response = await self.portal.post(
            "/inloggen", data={"organisation": organisation, "secret": f"dev-{organisation}", "csrf_token": await self.csrf()}
        )
        assert response.status_code == 303, response.text
        self.portal.headers["X-CSRF-Token"] = await self.csrf(response.headers["location"])
        return response

    async def csrf(self, path: str = "/inloggen") -> str:
        """The CSRF token the portal puts in its forms on this page."""
        page = await self.portal.get(path)
        return csrf_in(page.text)


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def service_apps(tmp_path: Path, bus: InMemoryBus, clock: FakeClock, register_url: str | None = None) -> dict[str, FastAPI]:
    def db(name: str) -> str:
        return f"sqlite+aiosqlite:///{tmp_path}/{name}.db"

    runtimes = {
        "arrears": build_runtime(ArrearsSettings(database_url=db("arrears")), bus=bus, clock=clock),
        "placement": build_runtime(
            PlacementSettings(database_url=db("placement"), timer_interval_seconds=3600), bus=bus, clock=clock
        ),
        "notifications": build_runtime(
            NotificationsSettings(database_url=db("notifications"), escalation_check_interval_seconds=3600),
            bus=bus,
            clock=clock,
        ),
        "monitor": build_runtime(MonitorSettings(database_url=db("monitor")), bus=bus, clock=clock),
    }
    if register_url is not None:
        triage_settings = TriageSettings(
            database_url=db("triage"), register_url=register_url, register_attempts=1, timer_interval_seconds=3600
        )
        runtimes["triage"] = build_runtime(triage_settings, bus=bus, clock=clock)
    factories = {
        "triage": triage_app,
        "arrears": arrears_app,
        "placement": placement_app,
        "notifications": notifications_app,
        "monitor": monitor_app,
    }
    return {name: factories[name](runtime) for name, runtime in runtimes.items()}


def portal_settings(**overrides) -> PortalSettings:
    urls = {f"{name}_url": f"http://{name}.test" for name in SERVICES}
    return PortalSettings(environment="test", **{**urls, **overrides})


@asynccontextmanager
async def in_process_chain(tmp_path: Path, clock: FakeClock, register_url: str | None = None):
    """The chain without triage, or with it when `register_url` names a running register stand-in."""
    bus = InMemoryBus()
    apps = service_apps(tmp_path, bus, clock, register_url)
    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(app.router.lifespan_context(app))
        backend_client = await stack.enter_async_context(httpx.AsyncClient(transport=ByHost(apps)))
        portal = portal_app(portal_settings(), client=backend_client, clock=clock)
        await stack.enter_async_context(portal.router.lifespan_context(portal))
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=portal), base_url="http://portal.test")
        )
        yield InProcessChain(bus=bus, clock=clock, apps=apps, portal=client, portal_app=portal)


def logged_out_of(chain):
    """The chain with the browser's cookies and CSRF token forgotten: the next test logs in itself."""
    chain.portal.cookies.clear()
    chain.portal.headers.pop("X-CSRF-Token", None)
    return chain
