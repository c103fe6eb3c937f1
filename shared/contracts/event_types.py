"""The one place where CloudEvent type strings, and the signal types partners post, are spelled.

Types are reverse-DNS and versioned (NL GOV profile for CloudEvents). A breaking
change to a payload gets a new version suffix, never an in-place edit.
"""

from __future__ import annotations

from enum import StrEnum

PREFIX = "nl.signaalketen"


def cloud_event_type(name: str, version: int = 1) -> str:
    """`arrears.reported` -> `nl.signaalketen.arrears.reported.v1`."""
    return f"{PREFIX}.{name}.v{version}"


def short_name(event_type: str) -> str:
    """`nl.signaalketen.arrears.reported.v1` -> `arrears.reported` (the name partners use)."""
    body = event_type.removeprefix(PREFIX + ".")
    return body.rsplit(".v", 1)[0]


class SignalType(StrEnum):
    """A signal partners post, by the name they post it with (`"type"` of POST /v1/signals,
    the CSV's `type` column, the routing rules' `signal_types`). Its CloudEvent type on the
    `signals` topic is `event_type`; `of` reads it back. Compare signals by these members,
    never by a spelled string."""

    ARREARS_REPORTED = "arrears.reported"
    ARREARS_RESOLVED = "arrears.resolved"
    VERDICT_ISSUED = "eviction.verdict-issued"
    EVICTION_SCHEDULED = "eviction.scheduled"
    EVICTION_CANCELLED = "eviction.cancelled"
    EVICTION_EXECUTED = "eviction.executed"
    FAMILY_FOUND = "eviction.family-found"
    CONCERN_REPORTED = "concern.reported"  # zorgmelding: worries about a household (nuisance, neglect, care avoidance)
    CONTACT_ATTEMPTED = "corporation.contact-attempted"  # the corporation's own letter, call or visit, and its result
    SUPPORT_RELAPSED = "support.relapsed"  # relapse after (preventive) housing support: the kept verdict may be executed

    @property
    def event_type(self) -> str:
        return cloud_event_type(self.value)

    @classmethod
    def of(cls, event_type: str) -> SignalType:
        """The signal type of a CloudEvent type; ValueError for any other event."""
        return cls(short_name(event_type))

    def __repr__(self) -> str:
        # Validation errors quote a type as partners write it ('arrears.reported'), not as the enum's repr.
        return repr(self.value)


# Signals from partners (topic `signals`)
ARREARS_REPORTED = SignalType.ARREARS_REPORTED.event_type
ARREARS_RESOLVED = SignalType.ARREARS_RESOLVED.event_type
VERDICT_ISSUED = SignalType.VERDICT_ISSUED.event_type
EVICTION_SCHEDULED = SignalType.EVICTION_SCHEDULED.event_type
EVICTION_CANCELLED = SignalType.EVICTION_CANCELLED.event_type
EVICTION_EXECUTED = SignalType.EVICTION_EXECUTED.event_type
FAMILY_FOUND = SignalType.FAMILY_FOUND.event_type
CONCERN_REPORTED = SignalType.CONCERN_REPORTED.event_type
CONTACT_ATTEMPTED = SignalType.CONTACT_ATTEMPTED.event_type
SUPPORT_RELAPSED = SignalType.SUPPORT_RELAPSED.event_type

# Triage (topics `triage`, `alerts`, `placement-requests`)
HOUSEHOLD_ASSESSED = f"{PREFIX}.household.assessed.v1"
ALERT_RAISED = f"{PREFIX}.alert.raised.v1"
PLACEMENT_REQUESTED = f"{PREFIX}.placement.requested.v1"
PLACEMENT_WITHDRAWN = f"{PREFIX}.placement.withdrawn.v1"  # the eviction was reversed: the request is no longer needed
PREVENTION_FOLLOWED_UP = f"{PREFIX}.prevention.followed-up.v1"  # what became of the household after a prevention alert
SAFETY_NET_PLAN_MADE = f"{PREFIX}.safety-net.plan-made.v1"  # a plan for the family before its eviction (recommendation C)

# Prevention feedback (topic `prevention`)
PREVENTION_CONTACT_MADE = f"{PREFIX}.prevention.contact-made.v1"
PREVENTION_REPORT_INTERMEDIATE = f"{PREFIX}.prevention.report-intermediate.v1"
PREVENTION_REPORT_FINAL = f"{PREFIX}.prevention.report-final.v1"
PREVENTION_HOME_VISIT = f"{PREFIX}.prevention.home-visit-done.v1"  # a team visited the household at home

# Placement (topic `placement`)
PLACEMENT_WAITLISTED = f"{PREFIX}.placement.waitlisted.v1"
PLACEMENT_OFFERED = f"{PREFIX}.placement.offered.v1"
PLACEMENT_CONFIRMED = f"{PREFIX}.placement.confirmed.v1"
PLACEMENT_DECLINED = f"{PREFIX}.placement.declined.v1"
PLACEMENT_LOST_FROM_VIEW = f"{PREFIX}.placement.lost-from-view.v1"
PLACEMENT_ENDED = f"{PREFIX}.placement.ended.v1"
PLACEMENT_WITHDRAWAL_HANDLED = f"{PREFIX}.placement.withdrawal-handled.v1"  # request ended, or too late (family placed)
PLACEMENT_PLAN_REMINDER = f"{PREFIX}.placement.plan-reminder.v1"  # the trajectory plan is due soon (T14)
PLACEMENT_PLAN_OVERDUE = f"{PREFIX}.placement.plan-overdue.v1"  # the trajectory plan's deadline passed without it
PLACEMENT_PLAN_MADE = f"{PREFIX}.placement.plan-made.v1"  # the shelter recorded the trajectory plan
PLACEMENT_REST_ADMITTED = f"{PREFIX}.placement.rest-admitted.v1"  # a partly placed family's other persons admitted later

# Deliveries (topic `deliveries`)
ALERT_DELIVERED = f"{PREFIX}.alert.delivered.v1"
ALERT_ACKNOWLEDGED = f"{PREFIX}.alert.acknowledged.v1"
ALERT_ESCALATED = f"{PREFIX}.alert.escalated.v1"
