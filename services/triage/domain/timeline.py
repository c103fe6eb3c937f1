"""What a line on a case's timeline is about: `TimelineKind`.

The timeline is the case's history, append-only, in the order things happened; it
is how a team reads "why did this go there?". Every kind has a Dutch label in the
portal (services/portal/labels.py, `timeline_kind`). The writer is
services.triage.timeline.note.
"""

from __future__ import annotations

from enum import StrEnum


class TimelineKind(StrEnum):
    SIGNAL = "signal"  # a partner's signal reached the case
    LATE = "late"  # observed before the case reached a later stage: recorded, no alert
    HISTORY = "history"  # loaded as history by the signaller (a past year): recorded, no alert
    JOINED = "joined"  # a signal by postcode address joined the dwelling's case
    LINKED = "linked"  # an earlier case of the same family at another dwelling (domain.family)
    UNLOCATED = "unlocated"  # the register could not place a postcode address
    DISTRICT = "district"  # the signal named another district than the dwelling's postcode lies in
    STATE = "state"  # the signal implied a state the transitions table does not allow: kept
    ASSESSMENT = "assessment"  # what triage now believes about the household
    COMPOSITION = "composition"  # a team corrected who lives there
    DECISION = "decision"  # a routing decision and its trace
    REPEAT = "repeat"  # an alert not raised again: it would say nothing new
    CAPACITY = "capacity"  # a referral over the team's yearly capacity (still sent)
    ALERT = "alert"  # an alert raised
    ALERT_SKIPPED = "alert-skipped"  # the recipient is no organisation that acts on alerts
    PLACEMENT = "placement"  # a shelter request asked, skipped or withdrawn; placement's news
    FEEDBACK = "feedback"  # a team reported back on an alert
    LATE_IN_VIEW = "late-in-view"  # the check when an eviction comes close
    ESCALATION_SKIPPED = "escalation-skipped"  # a report overdue after the reminder, no one to escalate to
    SAFETY_NET_PLAN = "safety-net-plan"  # a safety-net plan made before a family's eviction
    FOLLOW_UP = "follow-up"  # what became of the household after a prevention alert (services.triage.follow_up)
