"""The forms of the people who follow a family: a prevention team's reports and home visits,
the safety-net plan before a family's eviction, the GGD's
composition correction and "where does the family stay meanwhile", the shelter's
capacity, partial admission, trajectory plan and outflow. Pure functions, as `forms.py`: a form in, the service's JSON body
out, or the fields in error with a Dutch message each.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.contracts.events.placement import AlternativeKind, Outflow
from shared.contracts.events.prevention import PreventionOutcome
from shared.contracts.events.triage import SafetyNetArrangement
from services.portal.forms import CHILDREN_AGES_ERROR, Parsed, calendar_day, children_ages, past_day, text, whole

FEEDBACK_TYPES = ("contact-made", "report-intermediate", "report-final", "home-visit")
PREVENTION_OUTCOMES = tuple(outcome.value for outcome in PreventionOutcome)
ALTERNATIVE_KINDS = tuple(kind.value for kind in AlternativeKind)
OUTFLOWS = tuple(outflow.value for outflow in Outflow)
ARRANGEMENTS = tuple(arrangement.value for arrangement in SafetyNetArrangement)
MAX_NOTE = 500


def open_feedback(alert: Mapping[str, Any]) -> list[str]:
    """The reports a team can still give on an alert (triage's AlertView), in their order:
    nothing after the final report; contact and the intermediate report once each, home visits
    as often as they happen."""
    if alert.get("final_report_on"):
        return []
    given = {"contact-made": alert.get("contact_made_on"), "report-intermediate": alert.get("intermediate_report_on")}
    return [kind for kind in FEEDBACK_TYPES if not given.get(kind)]


def prevention_feedback(form: Mapping[str, str], today: date) -> Parsed:
    """Contact made, a home visit (how many went, whether the household was met), the
    intermediate report (14 days) or the final report (28 days) with its outcome."""
    parsed = Parsed()
    kind = text(form, "type")
    if kind not in FEEDBACK_TYPES:
        parsed.errors["type"] = "Kies wat u terugmeldt."
    reported_on = past_day(text(form, "reported_on"), today)
    if reported_on is None:
        parsed.errors["reported_on"] = "Vul de datum in (jjjj-mm-dd), niet in de toekomst."
    outcome = text(form, "outcome")
    if kind == "report-final" and outcome not in PREVENTION_OUTCOMES:
        parsed.errors["outcome"] = "Kies de uitkomst: bij de eindrapportage hoort een uitkomst."
    visitors = whole(text(form, "visitors"), 1, 6)
    if kind == "home-visit" and visitors is None:
        parsed.errors["visitors"] = "Vul in met hoeveel medewerkers u op huisbezoek ging: 1 tot en met 6."
    if parsed.ok:
        parsed.body = {"type": kind, "reported_on": reported_on.isoformat()}
        if kind == "report-final":
            parsed.body |= {"outcome": outcome, "debt_settlement_pending": text(form, "debt_settlement_pending") == "ja"}
        if kind == "home-visit":
            parsed.body |= {"visitors": visitors, "met_household": text(form, "met_household") == "ja"}
    return parsed


def safety_net_plan(form: Mapping[str, Any], today: date) -> Parsed:
    """The safety net for the family before the case's eviction: the eviction's date, the day the
    plan was agreed (not in the future, not after the eviction) and what it arranges (codes; the
    plan in words stays with the team). `arrangements` is a list (the request's `getlist`)."""
    parsed = Parsed()
    eviction_date = calendar_day(text(form, "eviction_date"))
    if eviction_date is None:
        parsed.errors["eviction_date"] = "Vul de datum van de geplande ontruiming in (jjjj-mm-dd)."
    made_on = past_day(text(form, "made_on"), today)
    if made_on is None:
        parsed.errors["made_on"] = "Vul de datum in waarop het plan is gemaakt (jjjj-mm-dd), niet in de toekomst."
    elif eviction_date is not None and made_on > eviction_date:
        parsed.errors["made_on"] = "Een vangnetplan maakt u vóór de ontruiming: deze datum ligt erna."
    chosen = list(dict.fromkeys(str(value) for value in form.get("arrangements") or []))
    if not chosen or any(arrangement not in ARRANGEMENTS for arrangement in chosen):
        parsed.errors["arrangements"] = "Kies wat het plan regelt: minstens één afspraak."
    if parsed.ok:
        parsed.body = {"eviction_date": eviction_date.isoformat(), "made_on": made_on.isoformat(), "arrangements": chosen}
    return parsed



def composition(form: Mapping[str, str]) -> Parsed:
    """Who really lives there: adults, the children's ages, and how the worker learned it.
    The reason is free text kept on the case in triage (never published); the one place to
    change if triage asks for a code instead."""
    parsed = Parsed()
    adults = whole(text(form, "adults"), 1, 10)
    if adults is None:
        parsed.errors["adults"] = "Vul het aantal volwassenen in: een heel getal van 1 tot en met 10."
    ages = children_ages(text(form, "children_ages"))
    if ages is None:
        parsed.errors["children_ages"] = CHILDREN_AGES_ERROR
    reason = text(form, "reason")
    if not 3 <= len(reason) <= 500:
        parsed.errors["reason"] = "Schrijf in 3 tot 500 tekens hoe u dit weet, zonder namen."
    if parsed.ok:
        parsed.body = {"adults": adults, "children_ages": ages, "reason": reason}
    return parsed


def alternative(form: Mapping[str, str]) -> Parsed:
    """Where a waitlisted family stays meanwhile; the note stays in placement, for the GGD itself."""
    parsed = Parsed()
    kind = text(form, "kind")
    if kind not in ALTERNATIVE_KINDS:
        parsed.errors["kind"] = "Kies waar het gezin intussen verblijft."
    note = text(form, "note")
    if len(note) > MAX_NOTE:
        parsed.errors["note"] = f"Houd de aantekening korter dan {MAX_NOTE} tekens."
    if parsed.ok:
        parsed.body = {"kind": kind, **({"note": note} if note else {})}
    return parsed


def capacity(form: Mapping[str, str]) -> Parsed:
    number = whole(text(form, "capacity"), 0, 10_000)
    if number is None:
        return Parsed(errors={"capacity": "Vul de capaciteit in: een heel getal van 0 tot en met 10.000."})
    return Parsed(body={"capacity": number})


def outflow(form: Mapping[str, str]) -> Parsed:
    where = text(form, "outflow")
    if where not in OUTFLOWS:
        return Parsed(errors={"outflow": "Kies waar het gezin naartoe gaat (of: onbekend)."})
    return Parsed(body={"outflow": where})


def admission(form: Mapping[str, str]) -> Parsed:
    """The part of the family a shelter admits: counts only (placement checks they fit the family)."""
    parsed = Parsed()
    adults = whole(text(form, "adults_admitted"), 1, 10)
    if adults is None:
        parsed.errors["adults_admitted"] = "Vul in hoeveel volwassenen u opneemt: minstens 1, kinderen worden niet zonder volwassene opgenomen."
    children = whole(text(form, "children_admitted"), 0, 20)
    if children is None:
        parsed.errors["children_admitted"] = "Vul in hoeveel kinderen u opneemt: een heel getal, 0 als u geen kinderen opneemt."
    if parsed.ok:
        parsed.body = {"adults_admitted": adults, "children_admitted": children}
    return parsed


def plan_made(form: Mapping[str, str], today: date) -> Parsed:
    """The day the trajectory plan was made; the plan itself stays with the shelter."""
    made_on = past_day(text(form, "made_on"), today)
    if made_on is None:
        return Parsed(errors={"made_on": "Vul de datum in waarop het trajectplan is gemaakt (jjjj-mm-dd), niet in de toekomst."})
    return Parsed(body={"made_on": made_on.isoformat()})
