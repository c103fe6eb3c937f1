"""Each webhook request goes to an address checked for it, and only there: real servers on
loopback (allowed for these tests as an internal network), a scripted DNS resolver, and a
name the system resolver does not know, so any lookup other than the checked one would fail."""

from __future__ import annotations

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.notifications.callback_policy import CallbackPolicy
from services.notifications.pinned_transport import CallbackRefused, PinnedTransport
from services.notifications.webhook_transport import WebhookTransport

NAME = "partner.invalid"  # .invalid never resolves (RFC 6761): only the scripted resolver knows it


class Server:
    """A real HTTP(S) server on one loopback address that records Host headers and TLS server names."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None):
        self.hosts: list[str] = []
        self.server_names: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.hosts.append(self.headers["Host"])
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                return

        self._http = ThreadingHTTPServer((host, port), Handler)
        if tls is not None:
            tls.sni_callback = lambda _socket, name, _context: self.server_names.append(name)
            self._http.socket = tls.wrap_socket(self._http.socket, server_side=True)
        self.port = self._http.server_address[1]
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()


class ScriptedResolver:
    """Answers each lookup with the next list of addresses (the last one repeats); counts lookups."""

    def __init__(self, *answers: list[str]):
        self._answers = list(answers)
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        return self._answers[min(len(self.lookups), len(self._answers)) - 1]


def policy(*allowed: str, https: bool = False) -> CallbackPolicy:
    return CallbackPolicy(require_https=https, public_addresses_only=True, allowed_networks=tuple(map(ip_network, allowed)))


@pytest.fixture
def partner():
    server = Server("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture
def internal(partner):
    """Something internal on the same port one loopback address further: where a rebinding name points next."""
    server = Server("127.0.0.2", partner.port)
    yield server
    server.stop()


async def test_a_name_that_rebinds_after_the_check_is_still_sent_to_the_checked_address(partner, internal):
    resolver = ScriptedResolver(["127.0.0.1"], ["127.0.0.2"])  # a second lookup would answer the internal address
    url = f"http://{NAME}:{partner.port}/hooks"
    async with httpx.AsyncClient(transport=PinnedTransport(policy("127.0.0.1/32"), WebhookTransport(4), resolver)) as client:
        answered = await client.post(url, content=b"{}")
        assert answered.status_code == 204
        assert resolver.lookups == [NAME], "one lookup: the address checked is the address connected to"
        assert partner.hosts == [f"{NAME}:{partner.port}"] and internal.hosts == [], "the subscribed name in Host"
        with pytest.raises(CallbackRefused):  # the next request looks again, and now refuses
            await client.post(url, content=b"{}")
    assert internal.hosts == [] and len(partner.hosts) == 1


async def test_every_address_a_name_resolves_to_is_checked(partner):
    resolver = ScriptedResolver(["127.0.0.1", "10.0.0.7"])
    async with httpx.AsyncClient(transport=PinnedTransport(policy("127.0.0.1/32"), WebhookTransport(4), resolver)) as client:
        with pytest.raises(CallbackRefused, match="callback address not allowed"):
            await client.post(f"http://{NAME}:{partner.port}/hooks", content=b"{}")
    assert partner.hosts == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hooks",
        "http://[::1]:{port}/hooks",
        "http://[::ffff:127.0.0.1]:{port}/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.1.2.3/hooks",
        "http://private.invalid/hooks",  # resolves to 192.168.4.4
    ],
)
async def test_private_loopback_and_metadata_targets_are_refused_before_any_connection(partner, url):
    resolver = ScriptedResolver(["192.168.4.4"])
    connections: list[httpx.Request] = []
    inner = httpx.MockTransport(lambda request: connections.append(request) or httpx.Response(204))
    async with httpx.AsyncClient(transport=PinnedTransport(policy(), inner, resolver)) as client:
        with pytest.raises(CallbackRefused):
            await client.post(url.format(port=partner.port), content=b"{}")
    assert connections == [] and partner.hosts == []


def certificate_for(name: str) -> tuple[bytes, bytes]:
    """A self-signed certificate valid for `name` only (no IP address in it), and its key (PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def tls_server(tmp_path, name: str) -> tuple[Server, bytes]:
    """An https server on 127.0.0.1 whose certificate is for `name`, and that certificate."""
    certificate, key = certificate_for(name)
    (tmp_path / "cert.pem").write_bytes(certificate)
    (tmp_path / "key.pem").write_bytes(key)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return Server("127.0.0.1", tls=server_tls), certificate


# the service's own connections (aiohttp, docs/adr/0048), and httpx's that a deployment may hand it
CONNECTIONS = {"webhook transport": lambda tls: WebhookTransport(4, verify=tls), "httpx transport": lambda tls: httpx.AsyncHTTPTransport(verify=tls)}


@pytest.mark.parametrize("connections", CONNECTIONS.values(), ids=CONNECTIONS.keys())
async def test_https_goes_to_the_pinned_address_with_the_name_in_sni_and_the_certificate_checked_for_it(tmp_path, connections):
    server, certificate = tls_server(tmp_path, NAME)
    trusting = ssl.create_default_context(cadata=certificate.decode())
    transport = PinnedTransport(policy("127.0.0.1/32", https=True), connections(trusting), ScriptedResolver(["127.0.0.1"]))
    try:
        async with httpx.AsyncClient(transport=transport) as client:
            answered = await client.post(f"https://{NAME}:{server.port}/hooks", content=b"{}")
            assert answered.status_code == 204
            with pytest.raises(CallbackRefused):  # https required by this policy
                await client.post(f"http://{NAME}:{server.port}/hooks", content=b"{}")
    finally:
        server.stop()
    assert server.server_names == [NAME], "TLS server name: the subscribed name, not the IP address"
    assert server.hosts == [f"{NAME}:{server.port}"]


async def test_a_certificate_for_another_name_is_refused_before_anything_is_sent(tmp_path):
    server, certificate = tls_server(tmp_path, "someone-else.invalid")
    trusting = ssl.create_default_context(cadata=certificate.decode())
    transport = PinnedTransport(policy("127.0.0.1/32", https=True), WebhookTransport(4, verify=trusting), ScriptedResolver(["127.0.0.1"]))
    try:
        async with httpx.AsyncClient(transport=transport) as client:
            with pytest.raises(httpx.ConnectError, match="(?i)certificate"):
                await client.post(f"https://{NAME}:{server.port}/hooks", content=b"{}")
    finally:
        server.stop()
    assert server.hosts == [], "no request reached a server that could not prove it is the partner"
