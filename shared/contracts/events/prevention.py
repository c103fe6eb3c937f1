"""Feedback from prevention teams (topic `prevention`).

Published by triage when a team reports on an alert it received. Carries the
facts the signaller may see (dates, outcome, suspension window), never the
household's inside information."""

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from shared.contracts import event_types, topics
from shared.contracts.events.base import EventData


class PreventionData(EventData):
    topic = topics.PREVENTION

    alert_id: UUID
    reported_by: str
    reported_on: date
    signal_id: UUID | None = Field(default=None, description="the signal the alert was about")


class ContactMade(PreventionData):
    event_type = event_types.PREVENTION_CONTACT_MADE


class HomeVisitDone(PreventionData):
    """The team visited the household at home (bemoeizorg goes with two workers the first time)."""

    event_type = event_types.PREVENTION_HOME_VISIT

    visitors: int = Field(ge=1, le=6, description="how many workers went")
    met_household: bool = Field(description="the household opened the door and talked: counts as contact")


class IntermediateReport(PreventionData):
    event_type = event_types.PREVENTION_REPORT_INTERMEDIATE


class PreventionOutcome(StrEnum):
    ARRANGEMENT = "arrangement"
    DEBT_HELP_STARTED = "debt_help_started"
    NOT_REACHED = "not_reached"
    REFUSED = "refused"
    ALREADY_KNOWN = "already_known"


class FinalReport(PreventionData):
    event_type = event_types.PREVENTION_REPORT_FINAL

    outcome: PreventionOutcome
    debt_settlement_pending: bool = False
    collection_suspended_until: date | None = Field(
        default=None, description="the signaller suspends collection until then; None: no suspension applies"
    )
