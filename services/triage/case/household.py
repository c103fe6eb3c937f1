"""Who lives there, as the case knows it: taken from the register or from people who
saw the family, corrected by a team, and published as `household.assessed`.

With the register away, the case keeps what it knew rather than forget a family. A
register answer without children does not undo children people saw (they may not be
registered there).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.audit import record_system_read
from shared.contracts.events.triage import CompositionSource, HouseholdAssessed, RepeatEviction
from shared.runtime import Runtime
from shared.tracing import current_trace_id
from services.triage.assessment import Assessment
from services.triage.brp.protocol import REGISTER_CLIENT
from services.triage.case.received import Signal
from services.triage.domain.household import HouseholdAssessment
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import HouseholdCase
from services.triage.timeline import note

# Where the family was seen by people, not read from the register.
SEEN_BY_PEOPLE = frozenset({CompositionSource.REPORTED_AT_EVICTION, CompositionSource.REPORTED_BY_CASE_WORKER})
KEPT_EARLIER = "register_unavailable_used_earlier_assessment"


def take_in(
    runtime: Runtime, session: AsyncSession, case: HouseholdCase, signal: Signal, assessment: Assessment, now: datetime,
    repeat: tuple[RepeatEviction, ...] = (),
) -> None:  # fmt: skip
    """What the signal's lookup told about the household, taken in and published (with what
    the monitor may count of an earlier eviction, case.family)."""
    on = signal.reference_date
    _take_composition(case, assessment.household, assessment.source, on)
    emit_assessment(runtime, session, case, signal.data.signal_id, assessment.source, on, signal.event_id, now, repeat=repeat)
    _audit_register_read(runtime, session, case.case_key, assessment, signal, now)


def _audit_register_read(
    runtime: Runtime, session: AsyncSession, case_key: str, assessment: Assessment, signal: Signal, now: datetime
) -> None:
    """Who lives at the dwelling, read from the register (or its short cache) for this
    signal: audited like a person's read, under triage's register client, naming the
    dwelling's pseudonym, the signal, the processing activity and its legal basis; the
    trace id is that of the span handling the signal, the one the register request carried."""
    if assessment.source is CompositionSource.REGISTER:
        purpose = f"triage of signal {signal.data.signal_id} ({signal.type})"
        activity = runtime.settings.register_activity
        record_system_read(session, REGISTER_CLIENT, "register lookup", case_key, purpose, now, current_trace_id(), activity)


def _take_composition(case: HouseholdCase, household: HouseholdAssessment, source: CompositionSource, on: date) -> None:
    """What a lookup tells about the household, unless the case knows better."""
    if _kept_earlier(case, source):
        return
    if case.is_family is True and household.is_family is not True and source is CompositionSource.REGISTER:
        if case.composition_source in SEEN_BY_PEOPLE:  # people saw children the register does not show
            return
    case.is_family = household.is_family
    case.persons = household.persons
    case.minors = household.minors
    case.minor_ages = list(household.minor_ages)
    case.uncertain = list(household.uncertain)
    case.composition_source = source
    case.assessed_on = on


def correct_composition(case: HouseholdCase, adults: int, children_ages: tuple[int, ...], now: datetime) -> dict:
    """A team's correction replaces what the case knew; returns what it knew before."""
    before = {"is_family": case.is_family, "persons": case.persons, "minors": case.minors, "source": case.composition_source}
    ages = sorted(children_ages)
    case.persons = adults + len(ages)
    case.minors = len(ages)
    case.minor_ages = ages
    case.is_family = case.persons >= 2 and case.minors >= 1  # the study's definition (docs/domain.md#what-counts-as-a-family)
    case.uncertain = []
    case.composition_source = CompositionSource.REPORTED_BY_CASE_WORKER
    case.assessed_on = now.date()
    case.updated_at = now
    return before


def emit_assessment(
    runtime: Runtime,
    session: AsyncSession,
    case: HouseholdCase,
    signal_id: UUID | None,
    source: CompositionSource,
    assessed_on: date,
    event_id: UUID | None,
    now: datetime,
    corrected_by: str | None = None,
    repeat: tuple[RepeatEviction, ...] = (),
) -> None:
    """What triage now believes about the household, published and noted on the timeline."""
    assessed = HouseholdAssessed(
        signal_id=signal_id,
        persons=case.persons,
        minors=case.minors,
        minor_ages=list(case.minor_ages),
        is_family=case.is_family,
        uncertain=[KEPT_EARLIER] if _kept_earlier(case, source) else list(case.uncertain or ()),
        source=case.composition_source,
        assessed_on=assessed_on,
        municipality_code=case.municipality_code,
        district=case.district,
        corrected_by=corrected_by,
        repeat=list(repeat),
    )
    runtime.emit(session, assessed, subject=case.case_key)
    summary = assessed.model_dump(mode="json", exclude={"signal_id"} | (set() if repeat else {"repeat"}))
    note(session, case.case_key, now, TimelineKind.ASSESSMENT, event_id, summary)


def _kept_earlier(case: HouseholdCase, source: CompositionSource) -> bool:
    """The register is away and the case knew the household before: keep that."""
    return source is CompositionSource.UNKNOWN and case.composition_source != CompositionSource.UNKNOWN

