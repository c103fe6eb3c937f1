"""Repeat evictions (docs/adr/0038): triage marks the assessment of a signal about a
household an earlier case at another dwelling saw evicted; the monitor counts the codes in
the month of the signal's date, under the household's family status, suppressed like every
other count for the public and exact for the municipality."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.clock import FakeClock
from shared.contracts.events.triage import RepeatEviction
from services.monitor.app import create_app
from services.monitor.settings import MonitorSettings
from tests.support import events as s
from tests.support.apps import key, running, unit_runtime
from tests.support.events import publish
from tests.support.figures import figure
from tests.support.wait import wait_for

AGAIN, EVICTED_AGAIN = RepeatEviction.SIGNALLED_AGAIN, RepeatEviction.EVICTED_AGAIN


async def test_repeat_evictions_are_counted_by_the_signals_date_and_suppressed_for_the_public(tmp_path, bus):
    app = create_app(unit_runtime(MonitorSettings, tmp_path, bus, FakeClock(datetime(2026, 12, 1, tzinfo=UTC))))
    first_arrears, eviction = s.arrears(s.on(3, 10)), s.executed(s.on(20, 11), "evicted")
    others = [s.arrears(s.on(day, 11)) for day in range(1, 7)]
    events = [first_arrears, s.assessed(first_arrears, True), eviction, s.assessed(eviction, True, repeat=(AGAIN, EVICTED_AGAIN))]
    for other in others:  # households in view again in November, and one not linked to any eviction
        events += [other, s.assessed(other, True, repeat=(AGAIN,) if other is not others[-1] else ())]
    async with running(app) as client:
        await publish(bus, *events)

        async def figures(month: int, path: str = "/v1/figures", headers=key("gemeente-amsterdam")):
            answer = await client.get(path, params={"municipality": "0363", "year": 2026, "month": month}, headers=headers)
            assert answer.status_code == 200, answer.text
            return answer.json()

        async def counted():
            body = await figures(11)
            return body if figure(body, "repeat", "signalled_again") == 6 else None

        november = await wait_for(counted, what="repeat evictions counted")
        october = await figures(10)
        public = await figures(11, "/v1/public/figures", headers={})

    assert figure(november, "repeat", "signalled_again", "family") == 6
    assert figure(november, "repeat", "evicted_again") == 1
    assert figure(october, "repeat", "signalled_again") == figure(october, "repeat", "evicted_again") == 0
    assert figure(public, "repeat", "evicted_again") == "<5", "one repeat eviction is not published as such"
