"""The portal in front of the real services, in-process: arrears, placement, notifications
and monitor apps on one in-memory bus and one FakeClock, reached by the portal's httpx
client through a transport that picks the app by host name (http://placement.test, ...).

Nothing of our own is mocked: the portal calls the services' real endpoints, with real
bearer tokens from their real /oauth/token."""

from __future__ import annotations

import re

from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
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


def service_apps(tmp_path: Path, bus: InMemoryBus, clock: FakeClock) -> dict[str, FastAPI]:
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
    factories = {
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
async def in_process_chain(tmp_path: Path, clock: FakeClock):
    bus = InMemoryBus()
    apps = service_apps(tmp_path, bus, clock)
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


# --- a small accessibility check on rendered pages ---------------------------------------------------


class _Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.h1 = 0
        self.main = 0
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, str | None]] = []
        self.ths: list[tuple[str, str | None]] = []
        self.section: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.main += 1
        elif tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea") and attributes.get("type") not in ("hidden", "submit"):
            self.controls.append((tag, attributes.get("id")))
        elif tag in ("thead", "tbody"):
            self.section.append(tag)
        elif tag == "th":
            self.ths.append((self.section[-1] if self.section else "", attributes.get("scope")))

    def handle_endtag(self, tag):
        if tag in ("thead", "tbody") and self.section:
            self.section.pop()


def assert_accessible(html: str) -> None:
    """Dutch page, one h1, a main landmark, every control labelled, every header cell scoped, ids unique."""
    page = _Structure()
    page.feed(html)
    assert page.lang == "nl"
    assert page.h1 == 1, f"{page.h1} h1 elements"
    assert page.main == 1
    unlabelled = [control for control in page.controls if control[1] not in page.label_for]
    assert not unlabelled, f"controls without a <label for>: {unlabelled}"
    unscoped = [th for th in page.ths if th[1] != ("col" if th[0] == "thead" else "row")]
    assert not unscoped, f"header cells without the right scope: {unscoped}"
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
