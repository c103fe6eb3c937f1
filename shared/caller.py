"""Who is calling: an organisation, acting through a named person or through its system.

A route decides by organisation and role (`caller.id`, `caller.role` are the
organisation's); the audit log records the person or system as well. A person's token
(the portal's login) names them: `sub`, display name (`name`) and employee number. A
partner system's token (client credentials) names the client as the subject.

`caller_from_claims` is the pure rule from verified claims to a Caller, for tokens of the
OpenID Connect provider and of the development issuer alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.organisations import Organisation, Organisations, Role


class CallerKind(StrEnum):
    PERSON = "person"
    SYSTEM = "system"


@dataclass(frozen=True)
class Caller:
    organisation: Organisation
    subject: str  # a person's `sub`, or a system's client id
    kind: CallerKind = CallerKind.SYSTEM
    display_name: str | None = None
    employee_number: str | None = None

    @property
    def id(self) -> str:
        """The organisation's id: what routes decide ownership by."""
        return self.organisation.id

    @property
    def role(self) -> Role:
        return self.organisation.role

    @property
    def name(self) -> str:
        """The organisation's name."""
        return self.organisation.name

    @property
    def municipality_codes(self) -> list[str]:
        return self.organisation.municipality_codes

    @property
    def source_urn(self) -> str:
        return self.organisation.source_urn


def system_caller(organisation: Organisation) -> Caller:
    """An organisation's own system (development key, development token)."""
    return Caller(organisation=organisation, subject=organisation.id)


def caller_from_claims(claims: dict, organisations: Organisations) -> Caller | None:
    """The Caller verified claims stand for, or None when their organisation is unknown
    or the role claimed is not that organisation's."""
    organisation = organisations.get(str(claims.get("organisation") or ""))
    if organisation is None or organisation.role.value != claims.get("role"):
        return None
    name, number = _text(claims.get("name")), _text(claims.get("employee_number"))
    if name or number:
        return Caller(organisation, str(claims["sub"]), CallerKind.PERSON, name, number)
    client = claims.get("client_id") or claims.get("azp") or claims["sub"]
    return Caller(organisation, str(client), CallerKind.SYSTEM)


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
