"""Triage's prevention follow-up in tests: the prevention team's key, the arrears figures of
its signals, and letting the follow-up windows close after some days."""

from __future__ import annotations

from tests.support.apps import key

TEAM = key("vroeg-eropaf-amsterdam")
ARREARS = {"months": 2, "amount_eur": "1450.00"}


async def close_windows(triage, days: int) -> None:
    triage.clock.advance(days=days)
    await triage.app.state.follow_ups.close_due(triage.clock.now())
    await triage.flush()
