"""What routing may know (services.triage.domain.routing), taken from a signal and its
case: no person, no address. The case keeps its last signal's facts, so a later
correction of the composition can route that signal again."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from shared.contracts.event_types import SignalType
from services.triage.case.received import Signal
from services.triage.domain.routing import HouseholdFacts, SignalFacts
from services.triage.tables import HouseholdCase


def for_routing(case: HouseholdCase, signal: Signal) -> tuple[SignalFacts, HouseholdFacts]:
    """The signal's facts (kept on the case as its last signal) and the household's."""
    facts = _signal_facts(signal, case)
    case.last_signal_id, case.last_signal_type = signal.data.signal_id, facts.signal_type
    kept = asdict(facts)
    case.last_signal_facts = {key: value.isoformat() if isinstance(value, date) else value for key, value in kept.items()}
    return facts, household_facts(case)


def household_facts(case: HouseholdCase) -> HouseholdFacts:
    return HouseholdFacts(is_family=case.is_family, persons=case.persons, minors=case.minors)


def last_signal_facts(case: HouseholdCase) -> SignalFacts | None:
    """The facts of the case's last routed signal, as `for_routing` kept them."""
    if not case.last_signal_facts:
        return None
    values = dict(case.last_signal_facts)
    for key in ("observed_on", "eviction_date"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    values["concerns"] = tuple(values.get("concerns", ()))
    return SignalFacts(**values)


def _signal_facts(signal: Signal, case: HouseholdCase) -> SignalFacts:
    data = signal.data
    return SignalFacts(
        signal_type=signal.type,
        municipality_code=data.municipality_code,
        district=case.district,  # the signal's or the dwelling's, as case.progress chose
        observed_on=data.observed_on,
        arrears_months=getattr(data, "months", None),
        grounds=getattr(data, "grounds", None),
        # An eviction under a last-chance verdict is part of the trajectory, not an ordinary eviction.
        last_chance=bool(getattr(data, "last_chance", False)) or (signal.type == SignalType.EVICTION_EXECUTED and case.last_chance),
        outcome=signal.outcome,
        eviction_date=getattr(data, "eviction_date", None),
        reported_by=data.reported_by,
        corporation=case.corporation,
        concerns=tuple(getattr(data, "concerns", ())),
    )
