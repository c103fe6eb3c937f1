"""Helpers for the notifications unit tests: alert events on the in-memory bus, and a partner
endpoint behind httpx.MockTransport that verifies with the partner helper (shared.webhooks)."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from shared.bus.memory import InMemoryBus
from shared.bus.port import OutgoingRecord
from shared.contracts import topics
from shared.contracts.envelope import Event, encode, new_event
from shared.contracts.events.triage import AlertKind, AlertRaised, Priority
from shared.webhooks import SIGNATURE_HEADER, InvalidSignature, ReplayGuard, verification_answer, verified_event
from services.notifications.settings import NotificationsSettings
from tests.support.issuer_server import IssuerServer
from tests.support.production import organisations_without_keys

SOURCE = "urn:nld:oin:00000099000000000001:systeem:signaalketen-triage"


def alert_event(recipient: str, raised_at: datetime, *, priority: Priority = Priority.URGENT) -> Event:
    urgent = priority is Priority.URGENT
    data = AlertRaised(
        alert_id=uuid.uuid4(),
        signal_id=uuid.uuid4(),
        signal_type="eviction.family-found" if urgent else "arrears.reported",
        recipient=recipient,
        kind=AlertKind.URGENT_OUTREACH if urgent else AlertKind.PREVENTION,
        priority=priority,
        due=raised_at + timedelta(days=1 if urgent else 14),
        reason="family_found_at_eviction" if urgent else "arrears_two_months",
        rule_id="test-rule",
        is_family=True,
        persons=3,
        minors=1,
        minor_ages=[6],
        municipality_code="0363",
        district="nieuw-west",
    )
    return new_event(data, source=SOURCE, subject=f"hh-{uuid.uuid4().hex[:16]}", time=raised_at)


async def publish(bus: InMemoryBus, event: Event) -> None:
    [problem] = await bus.publish([OutgoingRecord(topics.ALERTS, event.subject, encode(event))])
    assert problem is None


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
        **overrides,
    )
