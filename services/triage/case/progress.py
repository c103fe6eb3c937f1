"""How a signal moves the case on: whether it came too late, its stage, its state (the
transitions table in services.triage.domain.case), and what later rules remember
about the dwelling, its district included (domain.district). Pure: the caller writes the
timeline.

Order: a signal observed before the case reached a later stage is late: recorded,
no alert (domain.sequence). A signal may imply a state the table does not allow from
where the case is: the case keeps its state and the timeline says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.events import signals as signal_events
from shared.organisations import Organisation, Role
from services.triage.case.received import Signal
from services.triage.domain.case import KEEPS_STATE, CaseState, implied_state, next_state
from services.triage.domain.district import choose_district
from services.triage.domain.sequence import ALONGSIDE, is_late, next_stage
from services.triage.tables import HouseholdCase


@dataclass(frozen=True)
class Moved:
    """What the timeline says about the move: late (nothing else changed), or the state kept."""

    late: dict | None = None
    state_kept: dict | None = None
    district_differs: dict | None = None  # the signal named another district than the dwelling's


def move_on(case: HouseholdCase, signal: Signal, signaller: Organisation | None, dwelling_district: str | None = None) -> Moved:
    """Stage, state and remembered facts after the signal, unless it came too late.
    dwelling_district: the district of the dwelling from its postcode (domain.district), if known."""
    observed_on = signal.data.observed_on
    if is_late(signal.type, observed_on, case.stage, case.stage_on):
        return Moved(late={
            "type": signal.type, "observed_on": observed_on.isoformat(), "case_stage_on": case.stage_on.isoformat(),
            "reason": "observed before the case reached a later stage: recorded, no alert",
        })  # fmt: skip
    if signal.type not in ALONGSIDE:
        case.stage, case.stage_on = next_stage(signal.type, observed_on, case.stage_on)
    target = implied_state(signal.type, signal.outcome, case.state)
    stays = signal.type in KEEPS_STATE and target == case.state  # alongside the steps: the state stays, whatever it is
    kept = None if stays or move_state(case, target, signal.type) else {"kept": case.state, "implied": target}
    _remember(case, signal, signaller)
    chosen = choose_district(signal.data.district, dwelling_district, case.district, case.district_source)
    case.district, case.district_source = chosen.district, chosen.source
    return Moved(state_kept=kept, district_differs=chosen.differs())


def move_state(case: HouseholdCase, target: CaseState, signal_type: str | None = None) -> bool:
    """Move the case to `target` when the transitions table allows it; False: it kept its state."""
    case.state, moved = next_state(case.state, target, signal_type)
    return moved


def _remember(case: HouseholdCase, signal: Signal, signaller: Organisation | None) -> None:
    """What later rules need to know about the dwelling: corporation, last chance, arrears,
    and the corporation's own contact (recommendation D: it counts as prevention)."""
    data = signal.data
    if signaller is not None and signaller.role is Role.CORPORATION:
        case.corporation = signaller.id
    if isinstance(data, signal_events.VerdictIssued):
        case.last_chance = data.last_chance
    if isinstance(data, signal_events.SupportRelapsed):
        case.last_chance = False  # the last chance (support accepted, verdict kept) is spent
    if isinstance(data, signal_events.ContactAttempted) and data.result in signal_events.CONTACT_REACHED:
        case.prevention_contact_on = case.prevention_contact_on or data.observed_on
    if isinstance(data, signal_events.ArrearsReported):
        case.last_arrears_months = data.months
