"""The trajectory plan within six weeks of placement (T14): the shelter is reminded a week
before the day, the GGD that asked hears when the day passed without it, and a plan the
shelter records stops both. Placed on 28 November 2026 (the test clock): due 9 January 2027."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from shared.contracts import event_types
from services.placement.app import create_app
from services.placement.domain.request_status import RequestStatus
from services.placement.domain.trajectory_plan import PlanAlarm, alarm_due, plan_deadline, plan_due_on
from services.placement.trajectory_plans import check_plan_deadlines
from tests.support.apps import key, running
from tests.support.placement import GGD, HVO, events, full_except, make_runtime, post_request, published

PLACED = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
DUE = date(2027, 1, 9)


def at(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


async def placed(client, **counts) -> dict:
    offered = await post_request(client)
    confirmed = await client.post(f"/v1/requests/{offered['id']}/confirm", json=counts or None, headers=key(HVO))
    assert confirmed.status_code == 200, confirmed.text
    return confirmed.json()


async def test_the_plan_is_due_six_weeks_after_placement_and_both_shelter_and_ggd_see_the_day(app, bus, clock):
    assert clock.now() == PLACED
    async with running(app) as client:
        request = await placed(client)
        [news] = await published(bus, event_types.PLACEMENT_CONFIRMED, request["id"])
        seen_by_ggd = (await client.get(f"/v1/requests/{request['id']}", headers=key(GGD))).json()
    assert request["plan_due_on"] == seen_by_ggd["plan_due_on"] == DUE.isoformat() and news.data.plan_due_on == DUE
    assert seen_by_ggd["placed_at"].startswith("2026-11-28") and seen_by_ggd["plan_made_on"] is None


async def test_a_missing_plan_brings_one_reminder_to_the_shelter_then_one_escalation_to_the_ggd(app, runtime, bus, clock):
    async with running(app) as client:
        request = await placed(client, adults_admitted=1)  # a partial placement has its plan too
        fired = []
        for moment in (at(date(2027, 1, 1), 23), at(date(2027, 1, 2)), at(date(2027, 1, 5)), at(DUE, 23), at(date(2027, 1, 10)), at(date(2027, 2, 1))):
            clock.set(moment)
            fired.append(await check_plan_deadlines(runtime, clock.now()))
        [reminder] = await published(bus, event_types.PLACEMENT_PLAN_REMINDER, request["id"])
        [overdue] = await published(bus, event_types.PLACEMENT_PLAN_OVERDUE, request["id"])
        view = (await client.get(f"/v1/requests/{request['id']}", headers=key(GGD))).json()
    assert fired == [0, 1, 0, 0, 1, 0], "a week before the day: the reminder; the day after: the escalation; each once"
    assert reminder.data.recipient == HVO and reminder.data.days_left == 7 and reminder.data.plan_due_on == DUE
    assert overdue.data.recipient == GGD and overdue.data.also_notify == [HVO] and overdue.data.placed_on == PLACED.date()
    assert reminder.subject == overdue.subject == request["case_key"]
    assert view["plan_reminded_at"].startswith("2027-01-02") and view["plan_escalated_at"].startswith("2027-01-10")


async def test_a_plan_recorded_in_time_stops_the_alarms_and_the_ggd_hears_it(app, runtime, bus, clock):
    async with running(app) as client:
        request = await placed(client)
        clock.set(at(date(2027, 1, 4), 10))
        assert await check_plan_deadlines(runtime, clock.now()) == 1  # the reminder
        recorded = await client.post(f"/v1/requests/{request['id']}/trajectory-plan", json={"made_on": "2027-01-04"}, headers=key(HVO))
        [made] = await published(bus, event_types.PLACEMENT_PLAN_MADE, request["id"])
        clock.set(at(date(2027, 2, 1)))
        after = await check_plan_deadlines(runtime, clock.now())
        again = await client.post(f"/v1/requests/{request['id']}/trajectory-plan", json={"made_on": "2027-01-05"}, headers=key(HVO))
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["plan_made_on"] == "2027-01-04" and after == 0
    assert not events(bus, event_types.PLACEMENT_PLAN_OVERDUE, request["id"])
    assert made.data.recipient == GGD and made.data.on_time is True and made.data.made_on == date(2027, 1, 4)
    assert again.status_code == 409 and again.json()["invalid-params"][0]["loc"] == ["body", "made_on"]


async def test_a_plan_made_late_is_recorded_as_late(app, runtime, bus, clock):
    async with running(app) as client:
        request = await placed(client)
        clock.set(at(date(2027, 1, 20), 9))
        await client.post(f"/v1/requests/{request['id']}/trajectory-plan", json={"made_on": "2027-01-15"}, headers=key(HVO))
        [made] = await published(bus, event_types.PLACEMENT_PLAN_MADE, request["id"])
    assert made.data.on_time is False


async def test_only_the_shelter_where_the_family_lives_records_a_plan_and_only_a_plausible_day(app, runtime, clock):
    async with running(app) as client:
        await full_except(runtime, {"roggeveen-two-parent": 1})
        request = await placed(client)
        waiting = await post_request(client)
        url = f"/v1/requests/{request['id']}/trajectory-plan"
        clock.set(at(date(2026, 12, 10), 12))
        future = await client.post(url, json={"made_on": "2026-12-11"}, headers=key(HVO))
        before = await client.post(url, json={"made_on": "2026-11-27"}, headers=key(HVO))
        not_a_date = await client.post(url, json={"made_on": "soon"}, headers=key(HVO))
        free_text = await client.post(url, json={"made_on": "2026-12-01", "plan": "debts first"}, headers=key(HVO))
        other_shelter = await client.post(url, json={"made_on": "2026-12-01"}, headers=key("leger-des-heils-amsterdam"))
        ggd = await client.post(url, json={"made_on": "2026-12-01"}, headers=key(GGD))
        not_placed = await client.post(
            f"/v1/requests/{waiting['id']}/trajectory-plan", json={"made_on": "2026-12-01"}, headers=key(HVO)
        )
    assert future.status_code == before.status_code == 409
    assert future.json()["invalid-params"][0]["loc"] == ["body", "made_on"] and "before the day" in future.json()["invalid-params"][0]["reason"]
    assert "before the family was placed" in before.json()["invalid-params"][0]["reason"]
    assert not_a_date.status_code == free_text.status_code == 400
    assert other_shelter.status_code == 404 and ggd.status_code == 403
    assert waiting["status"] == "waitlisted" and not_placed.status_code == 404, "not routed to the shelter: not its request"


async def test_an_ended_placement_raises_no_plan_alarms(app, runtime, bus, clock):
    async with running(app) as client:
        request = await placed(client)
        await client.post(f"/v1/requests/{request['id']}/end", json={"outflow": "own_network"}, headers=key(HVO))
        clock.set(at(date(2027, 3, 1)))
        assert await check_plan_deadlines(runtime, clock.now()) == 0


async def test_the_timer_worker_runs_the_plan_deadlines_on_the_clock(tmp_path, bus, clock):
    app = create_app(make_runtime(tmp_path, bus, clock, timer_interval_seconds=0.05, trajectory_plan_days=10, plan_reminder_days=2))
    async with running(app) as client:
        request = await placed(client)
        clock.advance(days=9)
        [reminder] = await published(bus, event_types.PLACEMENT_PLAN_REMINDER, request["id"])
    assert reminder.data.plan_due_on == date(2026, 12, 8) and reminder.data.days_left == 1


@pytest.mark.parametrize(
    "now, reminded, escalated, made, want",
    [
        (at(date(2027, 1, 1), 23), None, None, None, None),
        (at(date(2027, 1, 2)), None, None, None, PlanAlarm.REMINDER),
        (at(DUE, 23), at(date(2027, 1, 2)), None, None, None),
        (at(date(2027, 1, 10)), None, None, None, PlanAlarm.ESCALATION),  # timer down over the deadline: escalate only
        (at(date(2027, 1, 10)), at(date(2027, 1, 2)), at(date(2027, 1, 10)), None, None),
        (at(date(2027, 1, 10)), None, None, date(2027, 1, 3), None),
    ],
)
def test_which_alarm_is_due(now, reminded, escalated, made, want):
    deadline = plan_deadline(PLACED, plan_due_on(PLACED), reminder_days=7)
    assert alarm_due(RequestStatus.PLACED, deadline, made, reminded, escalated, now) is want
    assert alarm_due(RequestStatus.ENDED, deadline, made, reminded, escalated, now) is None
