"""A real HTTP server that plays an OpenID Connect issuer's public side in unit tests:
its discovery document and its JWKS (one RSA and one EC key), and signs tokens with
those keys. It lets tests make tokens Keycloak never would (wrong issuer with a valid
signature, another algorithm); the tests against real Keycloak are in tests/integration.
Its token endpoint grants client credentials (HTTP Basic) to the clients in `clients`,
with the audience each is registered for, as Keycloak's audience mapper does."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from uuid import uuid4

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

AUDIENCE = "urn:nld:signaalketen"


class IssuerServer:
    def __init__(self):
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.jwks_requests = 0
        self.clients: dict[str, tuple[str, str]] = {}  # client id -> (secret, audience)
        self.token_lifetime = 300
        self.token_requests = 0
        self.announced_issuer: str | None = None  # a public address its discovery names instead (back-channel tests)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/realms/test"

    def jwks(self) -> dict:
        keys = [
            {**json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key())), "kid": "rsa-1", "alg": "RS256", "use": "sig"},
            {**json.loads(ECAlgorithm.to_jwk(self.ec.public_key())), "kid": "ec-1", "alg": "ES256", "use": "sig"},
        ]
        return {"keys": keys}

    def sign(self, claims: dict, algorithm: str = "RS256", kid: str | None = None) -> str:
        key = self.rsa if algorithm.startswith(("RS", "PS")) else self.ec
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid or ("rsa-1" if key is self.rsa else "ec-1")})

    def claims(self, now: datetime, organisation: str, role: str, **extra) -> dict:
        return {
            "iss": self.issuer,
            "aud": [AUDIENCE, "account"],
            "sub": str(uuid4()),
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=5)).timestamp()),
            "azp": organisation,
            "client_id": organisation,
            "organisation": organisation,
            "role": role,
            **extra,
        }

    def grant(self, authorization: str, form: dict[str, list[str]]) -> tuple[int, dict]:
        """The token endpoint's answer to a client-credentials request."""
        self.token_requests += 1
        try:
            client_id, secret = base64.b64decode(authorization.removeprefix("Basic ")).decode().split(":", 1)
        except ValueError:
            return 401, {"error": "invalid_client"}
        if self.clients.get(client_id, ("",))[0] != secret or not secret:
            return 401, {"error": "invalid_client", "error_description": "Invalid client or Invalid client credentials"}
        if form.get("grant_type") != ["client_credentials"]:
            return 400, {"error": "unsupported_grant_type"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.clients[client_id][1], "sub": str(uuid4()), "iat": now,
                  "exp": now + self.token_lifetime, "azp": client_id, "client_id": client_id}  # fmt: skip
        return 200, {"access_token": self.sign(claims), "expires_in": self.token_lifetime, "token_type": "Bearer"}

    def start(self) -> IssuerServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                if self.path.endswith("/.well-known/openid-configuration"):
                    issuer = server.announced_issuer or server.issuer
                    base = issuer + "/protocol/openid-connect"
                    body = {
                        "issuer": issuer, "jwks_uri": base + "/certs", "authorization_endpoint": base + "/auth",
                        "token_endpoint": base + "/token", "end_session_endpoint": base + "/logout",
                    }  # fmt: skip
                elif self.path.endswith("/certs"):
                    server.jwks_requests += 1
                    body = server.jwks()
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 - http.server's naming
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                if not self.path.endswith("/protocol/openid-connect/token"):
                    self.send_error(404)
                    return
                status, body = server.grant(self.headers.get("Authorization", ""), form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        return Handler
