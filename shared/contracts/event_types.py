"""The one place where CloudEvent type strings are spelled.

Types are reverse-DNS and versioned (NL GOV profile for CloudEvents). A breaking
change to a payload gets a new version suffix, never an in-place edit.
"""

PREFIX = "nl.signaalketen"

# Signals from partners (topic `signals`)
ARREARS_REPORTED = f"{PREFIX}.arrears.reported.v1"
ARREARS_RESOLVED = f"{PREFIX}.arrears.resolved.v1"
VERDICT_ISSUED = f"{PREFIX}.eviction.verdict-issued.v1"
EVICTION_SCHEDULED = f"{PREFIX}.eviction.scheduled.v1"
EVICTION_CANCELLED = f"{PREFIX}.eviction.cancelled.v1"
EVICTION_EXECUTED = f"{PREFIX}.eviction.executed.v1"
FAMILY_FOUND = f"{PREFIX}.eviction.family-found.v1"

# Triage (topics `triage`, `alerts`, `placement-requests`)
HOUSEHOLD_ASSESSED = f"{PREFIX}.household.assessed.v1"
ALERT_RAISED = f"{PREFIX}.alert.raised.v1"
PLACEMENT_REQUESTED = f"{PREFIX}.placement.requested.v1"
PLACEMENT_WITHDRAWN = f"{PREFIX}.placement.withdrawn.v1"  # the eviction was reversed: the request is no longer needed
PREVENTION_FOLLOWED_UP = f"{PREFIX}.prevention.followed-up.v1"  # what became of the household after a prevention alert

# Prevention feedback (topic `prevention`)
PREVENTION_CONTACT_MADE = f"{PREFIX}.prevention.contact-made.v1"
PREVENTION_REPORT_INTERMEDIATE = f"{PREFIX}.prevention.report-intermediate.v1"
PREVENTION_REPORT_FINAL = f"{PREFIX}.prevention.report-final.v1"

# Placement (topic `placement`)
PLACEMENT_WAITLISTED = f"{PREFIX}.placement.waitlisted.v1"
PLACEMENT_OFFERED = f"{PREFIX}.placement.offered.v1"
PLACEMENT_CONFIRMED = f"{PREFIX}.placement.confirmed.v1"
PLACEMENT_DECLINED = f"{PREFIX}.placement.declined.v1"
PLACEMENT_LOST_FROM_VIEW = f"{PREFIX}.placement.lost-from-view.v1"
PLACEMENT_ENDED = f"{PREFIX}.placement.ended.v1"
PLACEMENT_WITHDRAWAL_HANDLED = f"{PREFIX}.placement.withdrawal-handled.v1"  # request ended, or too late (family placed)

# Deliveries (topic `deliveries`)
ALERT_DELIVERED = f"{PREFIX}.alert.delivered.v1"
ALERT_ACKNOWLEDGED = f"{PREFIX}.alert.acknowledged.v1"
ALERT_ESCALATED = f"{PREFIX}.alert.escalated.v1"


def short_name(event_type: str) -> str:
    """`nl.signaalketen.arrears.reported.v1` -> `arrears.reported` (the name partners use)."""
    body = event_type.removeprefix(PREFIX + ".")
    return body.rsplit(".v", 1)[0]
