"""The monitor app on the in-memory bus: events in, figures out, exact or suppressed."""

import csv
import io

import pytest
from pydantic import SecretStr

from shared.clock import FakeClock
from services.monitor.app import create_app
from services.monitor.domain.publication import WITHHELD_SERIES
from services.monitor.settings import DEV_LINK_KEY, MonitorSettings
from tests.support.apps import key, running, unit_runtime
from tests.support.wait import wait_for
from tests.support import events as s
from tests.support.events import publish
from tests.support.figures import AMSTERDAM, figure


def stream():
    """Seven evictions in Amsterdam in November: six families evicted, one single adult paid at the door;
    three scheduled, one withdrawn in Utrecht."""
    events = []
    for _ in range(6):
        executed = s.executed(s.on(12), "evicted", district="nieuw-west")
        events += [executed, s.assessed(executed, True)]
    paid = s.executed(s.on(13), "paid_at_door")
    events += [paid, s.assessed(paid, False)]
    for _ in range(3):
        events.append(s.scheduled(s.on(1)))  # the eviction on the 21st: November too
    events.append(s.cancelled(s.on(14), municipality="0344"))
    return events


async def settled(client):
    """Every event of `stream()` counted, with its assessment (the bus keeps order per partition only)."""
    wanted = {
        ("eviction", "evicted", "family"): 6,
        ("eviction", "paid_at_door", "no_family"): 1,
        ("eviction", "scheduled", "all"): 3,
        ("signal", "eviction.executed", "all"): 7,
    }

    async def probe():
        response = await client.get("/v1/figures", params=AMSTERDAM, headers=key("gemeente-amsterdam"))
        body = response.json()
        return body if all(figure(body, *cell) == count for cell, count in wanted.items()) else None

    return await wait_for(probe, what="figures counted")


async def test_a_municipality_reads_exact_counts_for_itself(app, bus):
    async with running(app) as client:
        await publish(bus, *stream())
        body = await settled(client)
    assert body["exact"] is True and body["districts"] == ["nieuw-west"]
    assert figure(body, "eviction", "evicted", "family") == 6
    assert figure(body, "eviction", "paid_at_door", "no_family") == 1
    assert figure(body, "eviction", "paid_at_door") == 1
    assert figure(body, "eviction", "scheduled", "unknown") == 3, "no assessment arrived for them"
    assert figure(body, "signal", "eviction.executed") == 7
    assert figure(body, "eviction", "withdrawn") == 0, "Utrecht's withdrawal is not Amsterdam's"
    assert figure(body, "placement", "lost_from_view") == 0, "every outcome is listed, zeros too"


async def test_a_redelivered_event_counts_once(app, bus):
    events = stream()
    async with running(app) as client:
        await publish(bus, *events)
        await publish(bus, *events[:4])  # the same CloudEvents again (same ids)
        await settled(client)

        async def all_handled():
            return all(lag == 0 for lag in (await bus.lag()).values())

        await wait_for(all_handled, what="the copies handled too")
        body = (await client.get("/v1/figures", params=AMSTERDAM, headers=key("gemeente-amsterdam"))).json()
    assert figure(body, "signal", "eviction.executed") == 7


async def test_another_municipality_and_the_public_see_small_cells_suppressed(app, bus):
    async with running(app) as client:
        await publish(bus, *stream())
        await settled(client)
        exact = (await client.get("/v1/figures", params=AMSTERDAM, headers=key("gemeente-amsterdam"))).json()
        utrecht = (await client.get("/v1/figures", params=AMSTERDAM, headers=key("gemeente-utrecht"))).json()
        public = (await client.get("/v1/public/figures", params=AMSTERDAM)).json()
        own_utrecht = (
            await client.get("/v1/figures", params={**AMSTERDAM, "municipality": "0344"}, headers=key("gemeente-utrecht"))
        ).json()
    assert utrecht["figures"] == public["figures"], "another municipality sees what the public sees"
    counts = {(f["metric"], f["outcome"], f["family"]): f["count"] for f in exact["figures"]}
    for published in public["figures"]:
        true = counts[(published["metric"], published["outcome"], published["family"])]
        if (published["metric"], published["outcome"]) in WITHHELD_SERIES:
            assert published["count"] == "x"
        elif 1 <= true <= 4:
            assert published["count"] == "<5"
        elif true == 0:
            assert published["count"] == 0, "0 stays 0"
        else:
            assert published["count"] in (true, "x")
    assert figure(public, "eviction", "paid_at_door") == "<5" and figure(public, "eviction", "scheduled") == "<5"
    assert figure(public, "eviction", "paid_at_door", "no_family") == "<5"
    assert figure(public, "eviction", "evicted") == 6, "no total or difference gives a small cell away through it"
    assert figure(public, "signal", "eviction.executed") == "x", "counted again as evictions: never published"
    assert figure(public, "eviction", "withdrawn") == 0
    assert own_utrecht["exact"] is True and figure(own_utrecht, "eviction", "withdrawn") == 1


async def test_the_csv_export_carries_the_same_figures_with_the_same_suppression(app, bus):
    async with running(app) as client:
        await publish(bus, *stream())
        await settled(client)
        body = (await client.get("/v1/public/figures", params=AMSTERDAM)).json()
        response = await client.get("/v1/public/figures.csv", params=AMSTERDAM)
        exact = await client.get("/v1/figures.csv", params=AMSTERDAM, headers=key("gemeente-amsterdam"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="figures-0363-2026-11.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["metric"], r["outcome"], r["family"], r["count"]) for r in rows] == [
        (f["metric"], f["outcome"], f["family"], str(f["count"])) for f in body["figures"]
    ]
    assert {r["municipality_code"] for r in rows} == {"0363"} and {r["month"] for r in rows} == {"11"}
    exact_rows = {(r["metric"], r["outcome"], r["family"]): r["count"] for r in csv.DictReader(io.StringIO(exact.text))}
    assert exact_rows[("eviction", "paid_at_door", "all")] == "1"


async def test_the_eviction_table_is_shaped_like_table_1_of_the_report(app, bus):
    async with running(app) as client:
        await publish(bus, *stream())
        await settled(client)
        amsterdam = {"municipality": "0363"}
        exact = (await client.get("/v1/tables/evictions", params=amsterdam, headers=key("gemeente-amsterdam"))).json()
        public = (await client.get("/v1/public/tables/evictions", params={"municipality": "0363"})).json()
        as_csv = await client.get("/v1/public/tables/evictions.csv", params={"municipality": "0363"})
    assert exact["columns"][:6] == [
        "year", "aanbod_offered", "afgemeld_withdrawn", "niet_not_executed", "betaald_paid_at_door", "ontruimd_evicted"
    ]
    assert exact["rows"] == [
        {
            "year": 2026,
            "aanbod_offered": 3, "afgemeld_withdrawn": 0, "niet_not_executed": 0, "betaald_paid_at_door": 1,
            "ontruimd_evicted": 6, "noorderzon_left_unknown_destination": 0,
            "aanbod_offered_families": 0, "afgemeld_withdrawn_families": 0, "niet_not_executed_families": 0,
            "betaald_paid_at_door_families": 0, "ontruimd_evicted_families": 6,
            "noorderzon_left_unknown_destination_families": 0,
            "last_changed": "2026-11-28T12:00:00Z",
        }
    ]
    assert public["exact"] is False
    assert public["rows"][0]["aanbod_offered"] == "<5" and public["rows"][0]["betaald_paid_at_door"] == "<5"
    assert public["rows"][0]["ontruimd_evicted"] == 6
    lines = as_csv.text.splitlines()
    assert lines[0].startswith("year,aanbod_offered,afgemeld_withdrawn,niet_not_executed,betaald_paid_at_door,ontruimd_evicted")
    assert lines[1].startswith("2026,<5,0,0,<5,6,0,")


async def test_figures_per_district_and_for_the_whole_year(app, bus):
    async with running(app) as client:
        await publish(bus, *stream())
        await settled(client)
        district = (
            await client.get("/v1/figures", params={**AMSTERDAM, "district": "nieuw-west"}, headers=key("gemeente-amsterdam"))
        ).json()
        whole_year = {"municipality": "0363", "year": 2026}
        year = (await client.get("/v1/figures", params=whole_year, headers=key("gemeente-amsterdam"))).json()
        december = (await client.get("/v1/figures", params={**AMSTERDAM, "month": 12}, headers=key("gemeente-amsterdam"))).json()
    assert figure(district, "eviction", "evicted") == 6 and figure(district, "eviction", "paid_at_door") == 0
    assert year["month"] is None and figure(year, "signal", "eviction.executed") == 7
    assert figure(december, "signal", "eviction.executed") == 0


async def test_a_late_fact_changes_its_own_closed_year_and_says_when(tmp_path, bus):
    """Last year's outcome posted this year counts in last year's table; that year's row
    (and the figures of its month) say when they last changed, and so does Last-Modified."""
    clock = FakeClock(s.on(28))
    app = create_app(unit_runtime(MonitorSettings, tmp_path, bus, clock))
    amsterdam = key("gemeente-amsterdam")
    async with running(app) as client:

        async def table():
            return (await client.get("/v1/tables/evictions", params={"municipality": "0363"}, headers=amsterdam))

        await publish(bus, s.executed(s.on(12), "evicted"))
        await wait_for(lambda: _rows(table), what="this year's eviction counted")
        clock.advance(days=40)  # January 2027: 2025 is a closed year
        late = s.executed(s.on(20, 12, 2025), "paid_at_door", eviction_date=s.on(19, 12, 2025).date())
        late = s.with_time(late, clock.now())
        await publish(bus, late)
        rows = await wait_for(lambda: _rows(table, 2), what="the late outcome counted in 2025")
        december = await client.get("/v1/figures", params={"municipality": "0363", "year": 2025, "month": 12}, headers=amsterdam)
        answer = await table()
    assert [row["year"] for row in rows] == [2025, 2026]
    assert rows[0]["betaald_paid_at_door"] == 1 and rows[1]["ontruimd_evicted"] == 1
    assert rows[0]["last_changed"] == "2027-01-07T12:00:00Z", "2025 changed when its late fact arrived"
    assert rows[1]["last_changed"] == "2026-11-28T12:00:00Z", "2026 did not change since"
    assert december.json()["last_changed"] == "2027-01-07T12:00:00Z"
    assert figure(december.json(), "eviction", "paid_at_door") == 1
    assert answer.headers["Last-Modified"] == "Thu, 07 Jan 2027 12:00:00 GMT"


async def _rows(table, count: int = 1):
    rows = (await table()).json()["rows"]
    return rows if len(rows) == count else None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "363", "year": 2026}, "municipality"),
        ({"municipality": "0363", "year": 2026, "month": 13}, "month"),
        ({"municipality": "0363"}, "year"),
        ({"municipality": "0363", "year": 2026, "colour": "red"}, "colour"),
    ],
)
async def test_a_bad_query_is_a_400_that_names_the_field(app, params, field):
    async with running(app) as client:
        response = await client.get("/v1/public/figures", params=params)
    assert response.status_code == 400
    assert any(error["loc"][-1] == field for error in response.json()["invalid-params"]), response.text


async def test_exact_figures_need_a_municipality_key(app):
    async with running(app) as client:
        anonymous = await client.get("/v1/figures", params=AMSTERDAM)
        ggd = await client.get("/v1/figures", params=AMSTERDAM, headers=key("ggd-amsterdam-vangnet"))
        table = await client.get("/v1/tables/evictions.csv", params={"municipality": "0363"}, headers=key("hvo-querido"))
    assert anonymous.status_code == 401
    assert ggd.status_code == 403 and table.status_code == 403


def test_the_consumer_group_carries_the_generation():
    assert MonitorSettings(generation="7").consumer_name == "monitor-gen-7"
    with pytest.raises(ValueError):
        MonitorSettings(generation="Seven Up")
    in_production = MonitorSettings.model_construct(environment="production", link_key=SecretStr(DEV_LINK_KEY))
    with pytest.raises(ValueError, match="MONITOR_LINK_KEY"):
        in_production._refuse_default_link_key_in_production()
