"""What became of the household after a prevention alert (topic `triage`).

Triage follows every prevention alert for a window (12 months by default) and records
what happened at the dwelling, as the chain heard it from the bailiffs and corporations:
published at once when the household is evicted, else when the window closes. It names
the alert and the case (`subject`), never a person; the monitor counts it under the
alert's period (docs/domain.md#prevention-results-in-amsterdam-2007).
"""

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from shared.contracts import event_types, topics
from shared.contracts.events.base import EventData
from shared.contracts.events.signals import MunicipalityCode


class CaseOutcome(StrEnum):
    """What happened at the dwelling within the follow-up window."""

    NO_EVICTION = "no_eviction"  # no eviction was scheduled or carried out
    EVICTION_NOT_EXECUTED = "eviction_not_executed"  # scheduled, then called off, paid at the door or not carried out
    EVICTED = "evicted"  # evicted, or gone before the bailiff came (destination unknown)
    UNKNOWN = "unknown"  # an eviction was under way and how it ended was never reported


class PreventionFollowedUp(EventData):
    event_type = event_types.PREVENTION_FOLLOWED_UP
    topic = topics.TRIAGE

    alert_id: UUID = Field(description="the prevention alert followed up")
    alerted_at: datetime = Field(description="when triage raised the alert: the period it counts in")
    outcome: CaseOutcome
    report_missing: bool = Field(
        description="the team owed a final report on the alert, its due date passed, and none came before the outcome"
    )
    followed_until: date = Field(description="the last day of the follow-up window")
    municipality_code: MunicipalityCode
    district: str | None = None
    is_family: bool | None = Field(description="as the alert said")
