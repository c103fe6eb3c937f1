"""The signals a partner reports outside an eviction, and which role gets which signal form.

A report of concern (zorgmelding: what the concern is about, as codes), the corporation's
own contact attempt (letter, call or visit, and its result) and a relapse after housing
support (when the support began, if known). Pure functions, as `eviction_forms.py`: each
gives the facts of its signal type from a form, or the fields in error with a Dutch message.

Who may post which type is the intake's rule (`services/arrears/intake.py`, `MAY_POST`); the
portal offers each role exactly the forms the intake would accept from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.contracts.events.signals import Concern, ContactMethod, ContactResult
from shared.organisations import Role
from services.portal.eviction_forms import CANCELLED, EXECUTED, FAMILY_FOUND, SCHEDULED, SignalForm
from services.portal.forms import past_day, text

CONCERNS = tuple(concern.value for concern in Concern)
CONTACT_METHODS = tuple(method.value for method in ContactMethod)
CONTACT_RESULTS = tuple(result.value for result in ContactResult)


def concerns_of(form: Mapping[str, Any]) -> list[str]:
    """The ticked concerns of a form: a list (the page passes the request's `getlist`), or one text."""
    values = form.get("concerns") or []
    return [str(value) for value in ([values] if isinstance(values, str) else values)]


def _concern(form: Mapping[str, Any], _today: date, errors: dict[str, str]) -> dict[str, Any]:
    ticked = list(dict.fromkeys(concerns_of(form)))
    if not ticked or any(concern not in CONCERNS for concern in ticked):
        errors["concerns"] = "Kies waar de zorg over gaat: minstens één onderwerp."
        return {}
    return {"concerns": ticked}


def _contact(form: Mapping[str, Any], _today: date, errors: dict[str, str]) -> dict[str, Any]:
    method, result = text(form, "method"), text(form, "result")
    if method not in CONTACT_METHODS:
        errors["method"] = "Kies hoe u contact zocht: brief, telefoon of bezoek."
    if result not in CONTACT_RESULTS:
        errors["result"] = "Kies wat de contactpoging opleverde."
    return {"method": method, "result": result} if method in CONTACT_METHODS and result in CONTACT_RESULTS else {}


def _relapse(form: Mapping[str, Any], today: date, errors: dict[str, str]) -> dict[str, Any]:
    value = text(form, "support_started_on")
    if not value:
        return {}
    started = past_day(value, today)
    observed = past_day(text(form, "observed_on"), today)
    if started is None or (observed is not None and started > observed):
        errors["support_started_on"] = "Vul de datum in waarop de woonbegeleiding begon (jjjj-mm-dd), niet na de terugval, of laat het veld leeg."
        return {}
    return {"support_started_on": started.isoformat()}


CONCERN = SignalForm("zorgmelding", "concern.reported", "Zorgmelding", "Datum waarop u de zorg zag", _concern)
CONTACT = SignalForm("contactpoging", "corporation.contact-attempted", "Contactpoging", "Datum van de contactpoging", _contact)
RELAPSE = SignalForm("terugval", "support.relapsed", "Terugval na woonbegeleiding", "Datum van de terugval", _relapse)

FORMS_OF: dict[Role, tuple[SignalForm, ...]] = {
    Role.BAILIFF: (SCHEDULED, CANCELLED, EXECUTED, FAMILY_FOUND),
    Role.POLICE: (FAMILY_FOUND, CONCERN),
    Role.CORPORATION: (CONCERN, CONTACT, RELAPSE),  # besides rent arrears, its own form (pages/corporation.py)
    Role.PREVENTION_TEAM: (CONCERN,),
    Role.GGD: (CONCERN,),
    Role.MUNICIPALITY: (CONCERN,),
    Role.SHELTER: (RELAPSE,),  # the shelter that gives the housing support (the Verdihuis in Oss)
}


def form_for(role: Role, slug: str) -> SignalForm | None:
    return next((form for form in FORMS_OF.get(role, ()) if form.slug == slug), None)
