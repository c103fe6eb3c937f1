"""A shelter request withdrawn after a reversed eviction counts as a placement outcome:
withdrawn, or withdrawal_too_late when the family was placed already."""

from shared.contracts.events import placement
from services.monitor.domain import catalogue as c
from services.monitor.domain.facts import JoinKind, Location
from services.monitor.domain.reading import COUNTED_TYPES, read
from tests.support import events as s


def handled(of_request, at, outcome: placement.WithdrawalOutcome):
    request = of_request.data
    data = placement.PlacementWithdrawalHandled(
        request_id=request.request_id, recipient=request.requested_by, requested_by=request.requested_by,
        municipality_code=request.municipality_code, outcome=outcome, status_before="offered", reason="eviction_cancelled",
    )  # fmt: skip
    return s._event(data, at, of_request.subject)


def test_withdrawn_and_too_late_are_placement_outcomes_of_the_request():
    request = s.requested(s.on(3))
    [withdrawn] = read(handled(request, s.on(5), placement.WithdrawalOutcome.WITHDRAWN)).facts
    [too_late] = read(handled(request, s.on(5), placement.WithdrawalOutcome.TOO_LATE)).facts
    assert (withdrawn.metric, withdrawn.outcome) == (c.PLACEMENT, c.WITHDRAWN)
    assert (too_late.metric, too_late.outcome) == (c.PLACEMENT, c.WITHDRAWAL_TOO_LATE)
    assert withdrawn.join.kind is JoinKind.REQUEST and withdrawn.join.id == request.data.request_id
    assert withdrawn.location == Location("0363")
    assert {c.WITHDRAWN, c.WITHDRAWAL_TOO_LATE} <= set(c.CATALOGUE[c.PLACEMENT])
    assert placement.PlacementWithdrawalHandled.event_type in COUNTED_TYPES
