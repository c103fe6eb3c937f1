"""Who is logged in: the bearer token in the session cookie, read but not trusted.

The portal keeps no session store. The cookie holds the access token the services
issued (HttpOnly, so page scripts cannot read it; SameSite=Strict, so another site
cannot make the browser send it, which also protects the portal's forms against
cross-site requests). The portal reads the token's claims without checking the
signature: it only needs them to choose the menu and the page. Every call to a
service carries the token, and the service verifies it; a forged cookie gets the
forger a page frame with nothing in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import jwt

from shared.organisations import Organisation, Organisations, Role

COOKIE = "signaalketen_sessie"
# The roles with a page of their own, in the order the login list shows them.
PAGE_ROLES = (Role.GGD, Role.SHELTER, Role.CORPORATION, Role.MUNICIPALITY)


@dataclass(frozen=True)
class Session:
    organisation: Organisation
    token: str
    expires_at: datetime

    @property
    def role(self) -> Role:
        return self.organisation.role


def read_session(token: str | None, organisations: Organisations, now: datetime) -> Session | None:
    """The session a cookie stands for, or None when it is absent, malformed, expired or unknown."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, options={"verify_signature": False, "verify_exp": False, "verify_aud": False})
        expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
        organisation = organisations.get(str(claims["sub"]))
        role = str(claims["role"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError, OverflowError):
        return None
    if organisation is None or organisation.role.value != role or expires_at <= now:
        return None
    return Session(organisation=organisation, token=token, expires_at=expires_at)


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
    }.get(role, "/geen-pagina")
