"""What a BRP gateway must know of every request: why it is asked (doelbinding), under
which processing activity (verwerking), by which organisation (OIN) and user, and the
trace it belongs to. The gateway logs these in its protocollering; without them a
municipality's BRP gateway refuses the request.

Headers, as BRP API gateways and their clients name them (VNG's Verwerkingenlogging
and Haal Centraal practice; e.g. Open Formulieren and the zaakafhandelcomponent send
the same set):
- `x-doelbinding`: the purpose binding of the BRP authorisation the request falls under;
- `x-verwerking`: `<processing activity>@<what for>`, here the signal being triaged;
- `x-origin-oin`: the OIN of the organisation asking (the chain operator);
- `x-gebruiker`: who asks; triage is a system, so its register client's id;
- `traceparent`: the W3C trace context, which the Logboek Dataverwerkingen standard asks
  for between applications over HTTP: the context of the span handling the signal's
  event, whose trace id the audit row names (shared.tracing).
Values are capped at 242 characters (the column width of the Verwerkingenlogging API).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from uuid import UUID

from shared.tracing import trace_fields

MAX_HEADER = 242
REGISTER_CLIENT = "signaalketen-register-client"  # triage's client at the register (deploy/keycloak/realm.py)


@dataclass(frozen=True)
class LookupPurpose:
    """The signal a register lookup is made for."""

    signal_id: UUID


_purpose: ContextVar[LookupPurpose | None] = ContextVar("register_lookup_purpose", default=None)


@contextmanager
def looking_up_for(purpose: LookupPurpose) -> Iterator[None]:
    """Register requests made inside carry this purpose (a context variable: each
    concurrent lookup in its own task keeps its own)."""
    token = _purpose.set(purpose)
    try:
        yield
    finally:
        _purpose.reset(token)


@dataclass(frozen=True)
class Protocol:
    doelbinding: str
    verwerking: str  # the processing activity's name
    origin_oin: str
    gebruiker: str

    def headers(self) -> dict[str, str]:
        """The headers of a request made now (with the purpose of the lookup in hand, if any)."""
        purpose = _purpose.get()
        verwerking = self.verwerking if purpose is None else f"{self.verwerking}@signaal {purpose.signal_id}"
        found = {
            "x-doelbinding": self.doelbinding,
            "x-verwerking": verwerking,
            "x-origin-oin": self.origin_oin,
            "x-gebruiker": self.gebruiker,
        }
        if purpose is not None and "traceparent" in (context := trace_fields()):
            found["traceparent"] = context["traceparent"]
        return {name: value[:MAX_HEADER] for name, value in found.items()}
