"""How a signal moves the case on: its stage (and whether it came too late), its
state (the transitions table in services.triage.domain.case), what later rules
remember about the dwelling, and its episode.

Order: a signal observed before the case reached a later stage is late: recorded,
no alert (domain.sequence). Episodes: a resolved problem ends one; what comes after
is a new story, with its own alerts and contacts (domain.repeats).
"""

from __future__ import annotations

from datetime import datetime

from shared.contracts.events import signals as signal_events
from shared.organisations import Organisation, Role
from services.triage.case.received import Signal
from services.triage.domain.case import CaseState, next_state
from services.triage.domain.repeats import ends_episode
from services.triage.domain.sequence import is_late, next_stage
from services.triage.tables import HouseholdCase


def open_case(case_key: str, municipality_code: str, now: datetime) -> HouseholdCase:
    return HouseholdCase(
        case_key=case_key, municipality_code=municipality_code, state=CaseState.SIGNALLED, opened_at=now, updated_at=now
    )


def arrived_late(case: HouseholdCase, signal: Signal) -> dict | None:
    """The timeline line when the case already moved past this signal's stage; None when in time."""
    if not is_late(signal.type, signal.data.observed_on, case.stage, case.stage_on):
        return None
    return {
        "type": signal.type, "observed_on": signal.data.observed_on.isoformat(),
        "case_stage_on": case.stage_on.isoformat(),
        "reason": "observed before the case reached a later stage: recorded, no alert",
    }  # fmt: skip


def advance_stage(case: HouseholdCase, signal: Signal) -> None:
    case.stage, case.stage_on = next_stage(signal.type, signal.data.observed_on, case.stage_on)


def move_state(case: HouseholdCase, target: CaseState, signal_type: str | None = None) -> bool:
    """Move the case to `target` when the transitions table allows it; False: it kept its state."""
    case.state, moved = next_state(case.state, target, signal_type)
    return moved


def remember(case: HouseholdCase, signal: Signal, signaller: Organisation | None) -> None:
    """What later rules need to know about the dwelling: district, corporation, last chance, arrears."""
    data = signal.data
    case.district = data.district or case.district
    if signaller is not None and signaller.role is Role.CORPORATION:
        case.corporation = signaller.id
    if isinstance(data, signal_events.VerdictIssued):
        case.last_chance = data.last_chance
    if isinstance(data, signal_events.ArrearsReported):
        case.last_arrears_months = data.months


def close_episode_if_resolved(case: HouseholdCase, signal: Signal) -> None:
    """Resolved: what comes after is a new story, with its own alerts and contacts."""
    if not ends_episode(signal.type, signal.outcome):
        return
    case.episode += 1
    case.last_alerted_arrears_months = case.last_alerted_arrears_amount = None
    case.prevention_contact_on = None
    case.placement_requested_at = None
    case.last_chance = False
