"""Helpers for the notifications unit tests: a partner endpoint behind httpx.MockTransport that
verifies with the partner helper (shared.webhooks), GGD subscribing it, and production settings.
Alert events and publishing them: tests.support.events."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from shared.runtime import build_runtime
from shared.webhooks import SIGNATURE_HEADER, InvalidSignature, ReplayGuard, verification_answer, verified_event
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from tests.support.apps import key
from tests.support.issuer_server import IssuerServer
from tests.support.production import organisations_without_keys
from tests.support.wait import wait_for


@dataclass
class PartnerEndpoint:
    """A partner's webhook: answers challenges, verifies signatures, acts once per CloudEvent id.

    `failures` makes the next N verified deliveries fail with 503 *after* acting,
    as a receiver that timed out on its answer would: the chain retries, the
    partner must not act twice."""

    secrets: dict[str, str] = field(default_factory=dict)  # URL -> secret, set after subscribing
    challenge_answer: str | None = None  # None: echo the challenge honestly
    challenge_status: int = 200
    failures: int = 0
    requests: list[httpx.Request] = field(default_factory=list)
    effects: list[dict] = field(default_factory=list)
    _guard: ReplayGuard = field(default_factory=ReplayGuard)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = request.content
        answer = verification_answer(body)
        if answer is not None:
            if self.challenge_answer is not None:
                answer = json.dumps({"challenge": self.challenge_answer}).encode()
            return httpx.Response(self.challenge_status, content=answer)
        try:
            event = verified_event(self.secrets.get(str(request.url), ""), request.headers.get(SIGNATURE_HEADER), body)
        except InvalidSignature:
            return httpx.Response(401)
        if self._guard.first_time(event["id"]):  # the signed body's id, never the unsigned Idempotency-Key header
            self.effects.append(event)
        if self.failures:
            self.failures -= 1
            return httpx.Response(503)
        return httpx.Response(204)

    def deliveries(self) -> list[httpx.Request]:
        return [r for r in self.requests if verification_answer(r.content) is None]


def notifications(tmp_path, bus, clock, partner, **settings):
    """The notifications app on the in-memory bus, delivering to `partner`."""
    settings = NotificationsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db", **settings)
    return create_app(build_runtime(settings, bus=bus, clock=clock), transport=partner.transport())


async def requests_made(partner, count):
    async def probe():
        deliveries = partner.deliveries()
        return len(deliveries) >= count and deliveries

    return await wait_for(probe, what=f"{count} delivery attempt(s)")


def production_settings(tmp_path: Path, issuer: IssuerServer, **overrides) -> NotificationsSettings:
    """Production, built explicitly: own secrets, an organisations file without development
    keys and an OpenID Connect issuer, as a deployment must have."""
    return NotificationsSettings(
        environment="production",
        database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db",
        pseudonym_key=secrets.token_urlsafe(32),
        address_keys=Fernet.generate_key().decode(),
        organisations_file=organisations_without_keys(tmp_path),
        oidc_issuer=issuer.issuer,
        metrics_token=secrets.token_urlsafe(32),
        **({"public_url": "https://notifications.gemeente.example", "triage_url": "https://triage.gemeente.example",
            "placement_url": "https://placement.gemeente.example"} | overrides),
    )


GGD = "ggd-amsterdam-vangnet"
URL = "https://ggd.example/hooks/alerts"


async def subscribe(client, partner) -> dict:
    response = await client.post("/v1/subscriptions", json={"callback_url": URL}, headers=key(GGD))
    assert response.status_code == 201, response.text
    partner.secrets[URL] = response.json()["secret"]
    return response.json()
