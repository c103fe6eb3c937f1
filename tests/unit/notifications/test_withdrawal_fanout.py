"""A withdrawn shelter request is told to the GGD that asked and to the shelter involved."""

import uuid
from datetime import UTC, datetime

from shared.contracts.envelope import new_event
from shared.contracts.events.placement import PlacementWithdrawalHandled, WithdrawalOutcome
from shared.contracts import event_types
from services.notifications.fanout import recipients
from services.notifications.handlers import CONSUMED, NOTIFIABLE_NAMES


def handled(also_notify: list[str]):
    data = PlacementWithdrawalHandled(
        request_id=uuid.uuid4(), recipient="ggd-fryslan", requested_by="ggd-fryslan", municipality_code="0080",
        outcome=WithdrawalOutcome.TOO_LATE, status_before="placed", reason="eviction_cancelled", shelter="zienn",
        also_notify=also_notify,
    )  # fmt: skip
    return new_event(data, source="urn:nld:oin:00000099000000000001:systeem:signaalketen-placement", subject="hh-" + "0" * 32, time=datetime(2026, 11, 20, tzinfo=UTC))


def test_the_ggd_and_the_shelter_both_hear_of_it_once():
    assert event_types.PLACEMENT_WITHDRAWAL_HANDLED in CONSUMED and "placement.withdrawal-handled" in NOTIFIABLE_NAMES
    assert recipients(handled(["zienn"])) == ["ggd-fryslan", "zienn"]
    assert recipients(handled(["ggd-fryslan"])) == ["ggd-fryslan"]
    assert recipients(handled([])) == ["ggd-fryslan"]
