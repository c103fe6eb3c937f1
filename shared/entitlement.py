"""Which organisation may act on which object: one home for the ownership rules (pure).

The role gate (shared.auth.caller) says which kind of organisation may use an
endpoint; these rules say whether this organisation may touch this object. Services
ask them right after loading the object and answer 404 ("no such ...") when the answer
is no, the same answer as for an object that does not exist, before anything about it
is revealed or changed (docs/adr/0011). List endpoints filter on the same fields.

| object | entitled |
|---|---|
| signal (intake) | the organisation that posted it |
| case (triage) | its lead, or a team one of its alerts went to |
| case named in a placement request | a GGD serving the case's municipality |
| alert (triage feedback) | the team it was addressed to |
| placement request | the GGD that made it; the shelter it is offered to or placed with |
| facility | the shelter that runs it |
| subscription, delivery | the organisation it belongs to |
| inbox alert | its recipient, and the fallback it escalated to (the SQL filter `services/notifications/alerts.visible_to`) |
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.organisations import Organisation


def serves(organisation: Organisation, municipality_code: str | None) -> bool:
    """Does the organisation work for this municipality (its municipality codes)?"""
    return municipality_code is not None and municipality_code in organisation.municipality_codes


def owns(organisation: Organisation, owner_id: str | None) -> bool:
    """Is the object the organisation's own (posted, made, run or subscribed by it)?"""
    return owner_id is not None and owner_id == organisation.id


def may_see_case(organisation: Organisation, case_lead: str | None, alert_recipients: Iterable[str]) -> bool:
    return owns(organisation, case_lead) or organisation.id in set(alert_recipients)


def may_name_case_in_request(organisation: Organisation, case_municipality: str | None) -> bool:
    """A GGD may ask a place for a triage case only when the case lies in its region."""
    return serves(organisation, case_municipality)


def may_see_request(organisation: Organisation, requested_by: str, shelter: str | None) -> bool:
    return owns(organisation, requested_by) or owns(organisation, shelter)


def request_belongs_to_case(requester: Organisation | None, case_municipality: str, asked_by_triage: bool) -> bool:
    """Triage lets a placement event touch a case (a confirmation hands its lead to the
    shelter) only for a request made for that case: one triage asked itself, or one a GGD
    serving the case's municipality made."""
    return asked_by_triage or (requester is not None and serves(requester, case_municipality))
