"""What a bailiff or a police officer types into the eviction forms, checked before anything is sent.

Pure functions, as `forms.py`: a form (field name -> text) and today's date in, the body
of the intake's `POST /v1/signals` out, or the fields in error with a Dutch message each.
The intake checks everything again (its date window too); `forms.service_errors` maps
its 422 onto the same fields.

Each signal type has a slug for its page (`/deurwaarder/melden/<slug>`), a title and the
fields it asks for; `signal_forms.py` has the other partners' forms and which role gets which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.contracts.events.signals import EvictionOutcome
from services.portal.forms import (
    CHILDREN_AGES_ERROR, Parsed, calendar_day, children_ages, dwelling_address, past_day, text, whole,
)  # fmt: skip

OUTCOMES = tuple(outcome.value for outcome in EvictionOutcome)
MAX_CANCELLATION_REASON = 200


@dataclass(frozen=True)
class SignalForm:
    slug: str
    signal_type: str
    title: str  # the page's h1 and the link to it
    observed_on_label: str
    facts: Callable[[Mapping[str, str], date, dict[str, str]], dict[str, Any]]


def _scheduled(form: Mapping[str, str], _today: date, errors: dict[str, str]) -> dict[str, Any]:
    eviction_date = calendar_day(text(form, "eviction_date"))
    if eviction_date is None:
        errors["eviction_date"] = "Vul de datum van de ontruiming in (jjjj-mm-dd)."
        return {}
    return {"eviction_date": eviction_date.isoformat()}


def _cancelled(form: Mapping[str, str], _today: date, errors: dict[str, str]) -> dict[str, Any]:
    return {**_optional_eviction_date(form, errors), **cancellation_reason(form, errors)}


def cancellation_reason(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """The optional reason of a cancellation, as the intake takes it today: short free text.
    The one place to change when the intake asks for a reason code instead."""
    reason = text(form, "reason")
    if len(reason) > MAX_CANCELLATION_REASON:
        errors["reason"] = f"Houd de reden korter dan {MAX_CANCELLATION_REASON} tekens."
        return {}
    return {"reason": reason} if reason else {}


def _executed(form: Mapping[str, str], _today: date, errors: dict[str, str]) -> dict[str, Any]:
    outcome = text(form, "outcome")
    if outcome not in OUTCOMES:
        errors["outcome"] = "Kies hoe de ontruiming afliep."
        return {}
    return {"outcome": outcome, **_optional_eviction_date(form, errors)}


def _family_found(form: Mapping[str, str], _today: date, errors: dict[str, str]) -> dict[str, Any]:
    adults = whole(text(form, "adults"), 1, 10)
    if adults is None:
        errors["adults"] = "Vul het aantal volwassenen in: een heel getal van 1 tot en met 10."
    ages = children_ages(text(form, "children_ages"))
    if not ages:  # a family found at the door has at least one child
        errors["children_ages"] = CHILDREN_AGES_ERROR + " Er is minstens één kind."
    return {"adults": adults, "children_ages": ages} if adults is not None and ages else {}


def _optional_eviction_date(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any]:
    value = text(form, "eviction_date")
    if not value:
        return {}
    eviction_date = calendar_day(value)
    if eviction_date is None:
        errors["eviction_date"] = "Vul de geplande datum van de ontruiming in (jjjj-mm-dd), of laat het veld leeg."
        return {}
    return {"eviction_date": eviction_date.isoformat()}



SCHEDULED = SignalForm("ontruiming-aangezegd", "eviction.scheduled", "Ontruiming aangezegd", "Datum van de aanzegging", _scheduled)
CANCELLED = SignalForm("ontruiming-afgemeld", "eviction.cancelled", "Ontruiming afgemeld", "Datum van de afmelding", _cancelled)
EXECUTED = SignalForm("ontruiming-uitgevoerd", "eviction.executed", "Ontruiming uitgevoerd", "Datum van de ontruiming of de poging", _executed)
FAMILY_FOUND = SignalForm("gezin-aangetroffen", "eviction.family-found", "Gezin aangetroffen bij de deur", "Datum waarop het gezin werd aangetroffen", _family_found)  # fmt: skip
def eviction_signal(signal_form: SignalForm, form: Mapping[str, str], today: date) -> Parsed:
    """The body of the intake's `POST /v1/signals` for any signal form: the dwelling (BAG id, or
    postcode, house number and municipality code), the day it was seen (not in the future),
    and the facts of this signal type."""
    parsed = Parsed()
    address = dwelling_address(form, parsed.errors)
    observed_on = past_day(text(form, "observed_on"), today)
    if observed_on is None:
        parsed.errors["observed_on"] = "Vul een datum in (jjjj-mm-dd), niet in de toekomst."
    facts = signal_form.facts(form, today, parsed.errors)
    if parsed.ok:
        parsed.body = {"type": signal_form.signal_type, "address": address, "observed_on": observed_on.isoformat(), **facts}
    return parsed
