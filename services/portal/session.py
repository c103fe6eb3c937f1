"""Who is logged in: sessions held server-side, the browser holding only a random id.

The cookie carries a 256-bit random session id and nothing else (HttpOnly, SameSite=Lax,
Secure outside development and test). The access and refresh tokens stay in the
portal's memory, keyed by that id: scripts on the page and the browser's storage never
see them. A session has its own CSRF token, which every form carries and every POST is
checked against. Logging in replaces the session id (no fixation), logging out deletes
the session; an idle session is forgotten after `idle` minutes.

The store lives in the portal process. Two portal instances need sticky sessions at
the proxy (or a shared store behind this same interface); see the portal's README.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from shared.organisations import Organisation, Organisations, Role

COOKIE = "signaalketen_sessie"
# The roles with a page of their own, in the order the login list shows them.
PAGE_ROLES = (
    Role.GGD,
    Role.PREVENTION_TEAM,
    Role.SHELTER,
    Role.CORPORATION,
    Role.BAILIFF,
    Role.POLICE,
    Role.MUNICIPALITY,
)


@dataclass(frozen=True)
class Session:
    """A logged-in organisation, and the person when they logged in through the identity provider."""

    organisation: Organisation
    token: str
    expires_at: datetime
    csrf_token: str = ""
    person: str | None = None  # display name
    employee_number: str | None = None
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None
    id_token: str | None = None

    @property
    def role(self) -> Role:
        return self.organisation.role

    def refreshable(self, now: datetime) -> bool:
        return self.refresh_token is not None and (self.refresh_expires_at is None or self.refresh_expires_at > now)


@dataclass(frozen=True)
class PendingLogin:
    """A login sent to the identity provider and not yet back: what the callback must match."""

    state: str
    nonce: str
    code_verifier: str


@dataclass
class Entry:
    csrf_token: str
    last_seen: datetime
    login: Session | None = None
    pending: PendingLogin | None = None


@dataclass
class SessionStore:
    idle: timedelta = timedelta(minutes=30)
    _entries: dict[str, Entry] = field(default_factory=dict)

    def get(self, session_id: str | None, now: datetime) -> Entry | None:
        entry = self._entries.get(session_id or "")
        if entry is None:
            return None
        if now - entry.last_seen > self.idle:
            del self._entries[session_id]
            return None
        entry.last_seen = now
        return entry

    def create(self, now: datetime) -> tuple[str, Entry]:
        self._forget_idle(now)
        session_id = secrets.token_urlsafe(32)
        entry = Entry(csrf_token=secrets.token_urlsafe(32), last_seen=now)
        self._entries[session_id] = entry
        return session_id, entry

    def log_in(self, old_id: str | None, login: Session, now: datetime) -> str:
        """A new session (new id, new CSRF token) for the login; the old one is gone."""
        self._entries.pop(old_id or "", None)
        session_id, entry = self.create(now)
        entry.login = replace(login, csrf_token=entry.csrf_token)
        return session_id

    def delete(self, session_id: str | None) -> Entry | None:
        return self._entries.pop(session_id or "", None)

    def __len__(self) -> int:
        return len(self._entries)

    def _forget_idle(self, now: datetime) -> None:
        for session_id in [key for key, entry in self._entries.items() if now - entry.last_seen > self.idle]:
            del self._entries[session_id]


def csrf_matches(entry: Entry | None, sent: str | None) -> bool:
    return entry is not None and bool(sent) and secrets.compare_digest(entry.csrf_token, sent)


def login_choices(organisations: Organisations) -> list[tuple[Role, list[Organisation]]]:
    """Organisations that have a page, grouped by role, by name within a role."""
    return [
        (role, sorted((o for o in organisations if o.role is role), key=lambda o: o.name.lower()))
        for role in PAGE_ROLES
    ]


def home_of(role: Role) -> str:
    """The page an organisation lands on after logging in."""
    return {
        Role.GGD: "/ggd",
        Role.SHELTER: "/opvang",
        Role.CORPORATION: "/corporatie",
        Role.MUNICIPALITY: "/gemeente",
        Role.PREVENTION_TEAM: "/preventie",
        Role.BAILIFF: "/deurwaarder",
        Role.POLICE: "/politie",
    }.get(role, "/geen-pagina")
