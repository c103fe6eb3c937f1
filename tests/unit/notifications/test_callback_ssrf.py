"""Subscribing cannot turn the chain against its own network: one answer for any failed
verification (real endpoints: a closed port, a service that is no web server, a web server
that is not the partner's, one that never answers), https and public addresses in production,
and the same check, on the address actually connected to, at every delivery."""

from __future__ import annotations

import socket
from http import HTTPStatus
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from shared.problems import INVALID
from shared.runtime import build_runtime
from shared.webhooks import verification_answer
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from services.notifications.verification import UNVERIFIED
from tests.support.apps import key, running
from tests.support.processes import free_port
from tests.support.wait import wait_for
from tests.support.issuer_server import IssuerServer
from tests.support.production import bearer_from
from tests.unit.notifications.support import production_settings
from tests.support.events import alert_event, publish

GGD = "ggd-utrecht"
ONE_ANSWER = [{"name": "callback_url", "reason": UNVERIFIED, "loc": ["body", "callback_url"], "type": "callback_not_verified"}]


class TcpService:
    """A real listener on loopback: `banner` bytes then close (a database, an SSH server), or silence."""

    def __init__(self, banner: bytes | None):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._banner = banner
        self._held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            if self._banner is None:
                self._held.append(connection)  # never answers
                continue
            connection.sendall(self._banner)
            connection.close()

    def stop(self) -> None:
        self._socket.close()
        for connection in self._held:
            connection.close()


class WebServer:
    """A real web server that is not the partner's: answers every POST with `status` and an empty JSON object."""

    def __init__(self, status: int):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                return

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._http.server_address[1]
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def endpoints():
    services = {
        "a database": TcpService(b"E\x00\x00\x00\x10SFATAL\x00C0A000\x00\x00"),
        "an SSH server": TcpService(b"SSH-2.0-OpenSSH_9.6\r\n"),
        "a port that never answers": TcpService(None),
        "a web server answering 404": WebServer(404),
        "a web server answering 200 without the echo": WebServer(200),
    }
    urls = {name: f"http://127.0.0.1:{service.port}/hooks" for name, service in services.items()}
    urls["a closed port"] = f"http://127.0.0.1:{free_port()}/hooks"
    yield urls
    for service in services.values():
        service.stop()


async def test_every_failed_verification_gets_one_and_the_same_answer(tmp_path, bus, clock, endpoints, caplog):
    settings = NotificationsSettings(environment="development", database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db", verification_timeout_seconds=0.5)
    answers = {}
    async with running(create_app(build_runtime(settings, bus=bus, clock=clock))) as client:
        for name, url in endpoints.items():
            response = await client.post("/v1/subscriptions", json={"callback_url": url}, headers=key(GGD))
            answers[name] = (response.status_code, response.headers["content-type"], response.json())
        assert (await client.get("/v1/subscriptions", headers=key(GGD))).json() == []
    one = {
        "type": "about:blank", "title": HTTPStatus(422).phrase, "status": 422, "detail": INVALID,
        "instance": "/v1/subscriptions", "invalid-params": ONE_ANSWER,
    }
    assert answers == {name: (422, "application/problem+json", one) for name in endpoints}, "nothing tells one from another"
    for reason in ("RemoteProtocolError", "ReadTimeout", "ConnectError", "HTTP 404", "did not echo"):
        assert reason in caplog.text, f"the service log says {reason}"


class Resolver:
    """DNS as the test says it is now: host name -> addresses; counts lookups."""

    def __init__(self, **answers: list[str]):
        self.answers = {name.replace("_", "."): addresses for name, addresses in answers.items()}
        self.lookups = 0

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups += 1
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "unknown host")
        return self.answers[host]


class Partner:
    """The partner's endpoint behind the pinned transport: what reached it, and how."""

    def __init__(self):
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = verification_answer(request.content)
        return httpx.Response(200, content=answer) if answer is not None else httpx.Response(204)

    def deliveries(self) -> list[httpx.Request]:
        return [r for r in self.requests if verification_answer(r.content) is None]


@pytest.fixture(scope="module")
def issuer():
    server = IssuerServer().start()
    yield server
    server.stop()


def production_app(tmp_path, bus, clock, partner: Partner, resolver: Resolver, issuer: IssuerServer, **settings):
    runtime = build_runtime(production_settings(tmp_path, issuer, **settings), bus=bus, clock=clock)
    return create_app(runtime, transport=httpx.MockTransport(partner), resolver=resolver)


async def test_production_wants_https_and_says_so(tmp_path, bus, clock, issuer):
    partner, resolver = Partner(), Resolver(partner_example=["93.184.215.14"])
    async with running(production_app(tmp_path, bus, clock, partner, resolver, issuer)) as client:
        auth = bearer_from(issuer, clock.now(), GGD, "ggd")
        response = await client.post("/v1/subscriptions", json={"callback_url": "http://partner.example/hooks"}, headers=auth)
        assert response.status_code == 400
        assert response.json()["invalid-params"] == [
            {"name": "callback_url", "reason": "callback URL must use https", "loc": ["body", "callback_url"], "type": "callback_url_refused"}
        ]
        too_long = "https://partner.example/" + "a" * 3000
        response = await client.post("/v1/subscriptions", json={"callback_url": too_long}, headers=auth)
        assert response.status_code == 400 and response.json()["invalid-params"][0]["type"] == "url_too_long"
    assert partner.requests == [] and resolver.lookups == 0


@pytest.mark.parametrize("handshake", [True, False], ids=["handshake", "no handshake"])
@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://10.0.0.5/hooks", "private"),
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://[::1]/hooks", "loopback"),
        ("https://[::ffff:127.0.0.1]/hooks", "loopback"),
        ("https://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("https://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
        ("https://[fe80::1]/hooks", "link-local"),
        ("https://[fd12:3456::1]/hooks", "unique-local"),
        ("https://intranet.partner.example/hooks", "private"),  # a name that resolves to 192.168.10.10
    ],
)
async def test_production_refuses_internal_targets_with_the_one_answer_and_sends_nothing(
    tmp_path, bus, clock, caplog, url, kind, handshake, issuer
):
    partner = Partner()
    resolver = Resolver(partner_example=["93.184.215.14"], intranet_partner_example=["93.184.215.14", "192.168.10.10"])
    app = production_app(tmp_path, bus, clock, partner, resolver, issuer, verify_subscriptions=handshake)
    async with running(app) as client:
        auth = bearer_from(issuer, clock.now(), GGD, "ggd")
        response = await client.post("/v1/subscriptions", json={"callback_url": url}, headers=auth)
        assert (response.status_code, response.json()["invalid-params"]) == (422, ONE_ANSWER)
        assert (await client.get("/v1/subscriptions", headers=auth)).json() == []
    assert partner.requests == [], "refused before any connection"
    assert f"a {kind} address" in caplog.text


async def test_every_delivery_is_checked_again_and_sent_to_the_checked_address(tmp_path, bus, clock, issuer):
    partner, resolver = Partner(), Resolver(partner_example=["93.184.215.14"])
    async with running(production_app(tmp_path, bus, clock, partner, resolver, issuer)) as client:
        auth = bearer_from(issuer, clock.now(), GGD, "ggd")
        subscribed = await client.post("/v1/subscriptions", json={"callback_url": "https://partner.example/hooks"}, headers=auth)
        assert subscribed.status_code == 201, subscribed.text
        await publish(bus, alert_event(GGD, clock.now()))
        [delivered] = await wait_for(lambda: _deliveries(client, auth, "delivered"), what="the first delivery")
        [request] = partner.deliveries()
        assert (request.url.host, request.headers["host"]) == ("93.184.215.14", "partner.example")
        assert request.extensions["sni_hostname"] == "partner.example", "TLS for the name, to the checked address"

        resolver.answers["partner.example"] = ["10.0.0.7"]  # the name now points inside
        await publish(bus, alert_event(GGD, clock.now()))
        [refused] = await wait_for(lambda: _deliveries(client, auth, "pending", with_error=True), what="a refused delivery")
    assert refused["last_error"] == "CallbackRefused: callback address not allowed" and refused["last_status_code"] is None
    assert partner.deliveries() == [request], "nothing sent to the internal address"


async def _deliveries(client, auth, status: str, with_error: bool = False) -> list[dict]:
    found = (await client.get("/v1/deliveries", params={"status": status}, headers=auth)).json()
    return [d for d in found if d["last_error"] or not with_error]
