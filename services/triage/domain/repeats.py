"""Repeats without a storm of alerts.

Corporations send the same arrears again (a monthly export, a retry, a second
department). A repeated arrears signal updates the case; it alerts again only
when the arrears rose since the last alert, in months or in amount. Any other
repeated signal that the same rule would send to the same team with the same
facts (the same eviction date, the same outcome) alerts once per episode.

An episode ends when the problem is resolved (arrears paid, eviction cancelled,
paid at the door, not carried out): what comes after is a new story and alerts
again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shared.contracts.event_types import SignalType
from services.triage.domain.routing import SignalFacts

_ENDS_EPISODE = {
    (SignalType.ARREARS_RESOLVED, None),
    (SignalType.EVICTION_CANCELLED, None),
    (SignalType.EVICTION_EXECUTED, "paid_at_door"),
    (SignalType.EVICTION_EXECUTED, "not_executed"),
}


@dataclass(frozen=True)
class ArrearsLevel:
    months: int
    amount: Decimal


def arrears_rose(previous: ArrearsLevel | None, current: ArrearsLevel) -> bool:
    """Alert again only for more months or a higher amount than the last alert named."""
    return previous is None or current.months > previous.months or current.amount > previous.amount


def ends_episode(signal_type: str, outcome: str | None) -> bool:
    return (signal_type, outcome if signal_type == SignalType.EVICTION_EXECUTED else None) in _ENDS_EPISODE


def fingerprint(rule_id: str, recipient: str, signal: SignalFacts, episode: int) -> str:
    """What makes two alerts the same alert: rule, recipient, the facts that matter, the episode."""
    facts = (signal.signal_type, signal.eviction_date, signal.outcome, signal.grounds, signal.last_chance)
    # A report of concern about something new is news; without concerns the fingerprint is as it always was.
    concerns = (",".join(sorted(signal.concerns)),) if signal.concerns else ()
    return "|".join(str(part) for part in (episode, rule_id, recipient, *facts, *concerns))
