"""Builders of the chain's events, from the shared contracts, for any test: a signal, its
assessment, an alert and its reports, a placement request and its answers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from shared.bus.port import OutgoingRecord
from shared.contracts.envelope import Event, encode, new_event
from shared.contracts.events import deliveries, follow_up, placement, prevention, signals, triage

SOURCE = "urn:nld:oin:00000099000000000001:systeem:signaalketen-test"
SEALED = "sealed-dwelling"  # the monitor never opens it
INCASSO = "urn:nld:kvk:90000001:systeem:incasso"
RECEIVED = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TRIAGE = "urn:nld:oin:00000099000000000001:systeem:signaalketen-triage"


def arrears_event(case: str = "hh-0123456789abcdef", months: int = 2, at: datetime = RECEIVED) -> Event:
    """Arrears as a housing corporation's collection system reports them."""
    data = signals.ArrearsReported(
        signal_id=uuid.uuid4(),
        reported_by="ymere",
        sealed_address="sealed",
        municipality_code="0363",
        observed_on=date(2026, 11, 27),
        months=months,
        amount_eur="1450.00",
    )
    return new_event(data, source=INCASSO, subject=case, time=at)


def subject() -> str:
    return f"hh-{uuid.uuid4().hex[:16]}"


def _event(data, at: datetime, case: str | None = None, event_id: uuid.UUID | None = None) -> Event:
    return new_event(data, source=SOURCE, subject=case or subject(), time=at, event_id=event_id)


def with_time(event: Event, at: datetime) -> Event:
    """The same fact, received by the chain at `at` (a late signal)."""
    return _event(event.data, at, event.subject, event_id=event.id)


def signal(model: type[signals.SignalData], at: datetime, *, municipality: str = "0363", district: str | None = None,
           case: str | None = None, **facts) -> Event:
    signal_id = uuid.uuid4()
    data = model(
        signal_id=signal_id,
        reported_by="ymere",
        sealed_address=SEALED,
        municipality_code=municipality,
        district=district,
        observed_on=at.date(),
        **facts,
    )
    return _event(data, at, case, event_id=signal_id)


def arrears(at, **kw) -> Event:
    return signal(signals.ArrearsReported, at, months=2, amount_eur="900.00", **kw)


def verdict(at, grounds: str, **kw) -> Event:
    return signal(signals.VerdictIssued, at, grounds=grounds, **kw)


def scheduled(at, **kw) -> Event:
    return signal(signals.EvictionScheduled, at, eviction_date=at.date() + timedelta(days=20), **kw)


def cancelled(at, **kw) -> Event:
    return signal(signals.EvictionCancelled, at, **kw)


def executed(at, outcome: str, **kw) -> Event:
    return signal(signals.EvictionExecuted, at, outcome=outcome, **kw)


def family_found(at, **kw) -> Event:
    return signal(signals.FamilyFoundAtEviction, at, adults=2, children_ages=[3, 7], **kw)


def assessed(of: Event, is_family: bool | None, at: datetime | None = None, repeat: tuple = ()) -> Event:
    data = triage.HouseholdAssessed(
        signal_id=of.data.signal_id,
        persons=4 if is_family else 1,
        minors=2 if is_family else 0,
        minor_ages=[3, 7] if is_family else [],
        is_family=is_family,
        source=triage.CompositionSource.REGISTER,
        assessed_on=of.data.observed_on,
        municipality_code=of.data.municipality_code,
        district=of.data.district,
        repeat=list(repeat),
    )
    return _event(data, at or of.envelope.time, of.subject)


def alert(at, *, kind=triage.AlertKind.PREVENTION, is_family: bool | None = True, municipality="0363",
          district: str | None = "nieuw-west", report: triage.Report | None = None) -> Event:
    data = triage.AlertRaised(
        alert_id=uuid.uuid4(),
        signal_id=uuid.uuid4(),
        signal_type="arrears.reported",
        recipient="vroeg-eropaf-amsterdam",
        kind=kind,
        priority=triage.Priority.NORMAL,
        due=at + timedelta(days=14),
        reason="arrears_two_months",
        rule_id="test-rule",
        is_family=is_family,
        persons=3 if is_family else 1,
        minors=1 if is_family else 0,
        minor_ages=[6] if is_family else [],
        municipality_code=municipality,
        district=district,
        report=report,
    )
    return _event(data, at)


def final_report(of_alert: Event, at, outcome: str = "arrangement") -> Event:
    data = prevention.FinalReport(
        alert_id=of_alert.data.alert_id, reported_by="vroeg-eropaf-amsterdam", reported_on=at.date(), outcome=outcome
    )
    return _event(data, at, of_alert.subject)


def home_visit(of_alert: Event, at, *, met_household: bool = True, visitors: int = 2) -> Event:
    """A team's home visit on the alert, on the day of `at` (bemoeizorg goes with two the first time)."""
    data = prevention.HomeVisitDone(
        alert_id=of_alert.data.alert_id, reported_by="vroeg-eropaf-amsterdam", reported_on=at.date(),
        visitors=visitors, met_household=met_household,
    )  # fmt: skip
    return _event(data, at, of_alert.subject)


def safety_net_plan(at, eviction_date: date, *, made_on: date | None = None, is_family: bool | None = True,
                    revised: bool = False, municipality="0363", district: str | None = "nieuw-west",
                    case: str | None = None) -> Event:
    """A safety-net plan for a case's eviction on `eviction_date`, recorded at `at` (made that day unless `made_on`)."""
    data = triage.SafetyNetPlanMade(
        made_by="ggd-amsterdam-vangnet", made_on=made_on or at.date(), eviction_date=eviction_date,
        arrangements=[triage.SafetyNetArrangement.SHELTER_PLACE], municipality_code=municipality, district=district,
        is_family=is_family, revised=revised,
    )  # fmt: skip
    return _event(data, at, case)


def followed_up(of_alert: Event, outcome: follow_up.CaseOutcome, at, *, report_missing: bool = False) -> Event:
    """What triage published when it stopped following the household after `of_alert`."""
    raised = of_alert.data
    data = follow_up.PreventionFollowedUp(
        alert_id=raised.alert_id,
        alerted_at=of_alert.envelope.time,
        outcome=outcome,
        report_missing=report_missing,
        followed_until=(of_alert.envelope.time + timedelta(days=365)).date(),
        municipality_code=raised.municipality_code,
        district=raised.district,
        is_family=raised.is_family,
    )
    return _event(data, at, of_alert.subject)


def acknowledged(of_alert: Event, at) -> Event:
    data = deliveries.AlertAcknowledged(
        event_id=of_alert.id,
        event_type_delivered=of_alert.type,
        recipient="vroeg-eropaf-amsterdam",
        alert_id=of_alert.data.alert_id,
        acknowledged_by="vroeg-eropaf-amsterdam",
        acknowledged_at=at,
    )
    return _event(data, at, of_alert.subject)


def requested(at, *, children: list[int] = (3, 7), municipality="0363", **codes) -> Event:
    data = triage.PlacementRequested(
        request_id=uuid.uuid4(),
        requested_by="ggd-amsterdam-vangnet",
        adults=2,
        children_ages=list(children),
        family_type=triage.FamilyType.TWO_PARENT,
        need=triage.PlacementNeed.CRISIS,
        municipality_code=municipality,
        reason="family_found_at_eviction",
        **codes,
    )
    return _event(data, at)


def _answering(request) -> dict:
    """The fields every placement event repeats from the request it answers."""
    return {
        "request_id": request.request_id,
        "recipient": request.requested_by,
        "requested_by": request.requested_by,
        "municipality_code": request.municipality_code,
    }


def placed(of_request: Event, at, **admitted) -> Event:
    request = of_request.data
    data = placement.PlacementConfirmed(
        **_answering(request),
        shelter="hvo-querido",
        facility="De Roggeveen (gezinsunits)",
        unit_type="family_two_parent",
        case_lead="hvo-querido",
        **admitted,
    )
    return _event(data, at, of_request.subject)


def rest_admitted(of_request: Event, at) -> Event:
    """The shelter admitted the rest of a family it had partly placed (one adult, the father)."""
    request = of_request.data
    data = placement.PlacementRestAdmitted(
        **_answering(request),
        shelter="hvo-querido",
        adults_admitted=request.adults,
        children_admitted=len(request.children_ages),
        adults_admitted_later=1,
        children_admitted_later=0,
    )
    return _event(data, at, of_request.subject)


def declined(of_request: Event, at) -> Event:
    request = of_request.data
    data = placement.PlacementDeclined(
        **_answering(request),
        shelter="hvo-querido",
        facility="De Roggeveen (gezinsunits)",
        reason="no unit free tonight",
    )
    return _event(data, at, of_request.subject)


def ended(of_request: Event, at, outflow: str = "contingent_dwelling") -> Event:
    request = of_request.data
    data = placement.PlacementEnded(
        **_answering(request),
        shelter="hvo-querido",
        outflow=outflow,
    )
    return _event(data, at, of_request.subject)


def on(day: int, month: int = 11, year: int = 2026, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


async def publish(bus, *events: Event) -> None:
    """Put events on their contract's topics, as the services' outbox relays do."""
    records = [OutgoingRecord(event.data.topic, event.subject, encode(event)) for event in events]
    assert await bus.publish(records) == [None] * len(records)


def alert_event(
    recipient: str, raised_at: datetime, *, priority: triage.Priority = triage.Priority.URGENT, case: str | None = None
) -> Event:
    """An alert as triage raises it: urgent outreach to a family found at an eviction, or prevention."""
    urgent = priority is triage.Priority.URGENT
    data = triage.AlertRaised(
        alert_id=uuid.uuid4(),
        signal_id=uuid.uuid4(),
        signal_type="eviction.family-found" if urgent else "arrears.reported",
        recipient=recipient,
        kind=triage.AlertKind.URGENT_OUTREACH if urgent else triage.AlertKind.PREVENTION,
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
    return new_event(data, source=TRIAGE, subject=case or f"hh-{uuid.uuid4().hex[:16]}", time=raised_at)
