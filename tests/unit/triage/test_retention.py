"""Triage's retention: a case and what it knows of the household go 24 months after its last
activity, once its prevention follow-up has closed; a case still active stays; the deletion
log says how many cases and rows by which rule; the team's yearly referral count survives."""

from __future__ import annotations

from shared.retention import run_retention
from services.triage.capacity import referrals_in_year
from services.triage.retention import RETENTION_JOB, triage_sweeps
from tests.support.apps import key
from tests.support.follow_up import ARREARS, TEAM, close_windows
from tests.support.triage import AMSTERDAM_FAMILY, AMSTERDAM_SINGLE

OFFICER = key("functionaris-gegevensbescherming")
RECIPIENT = "vroeg-eropaf-amsterdam"


async def referrals(triage, year: int) -> int:
    async with triage.runtime.sessions() as session:
        return await referrals_in_year(session, RECIPIENT, year)


async def test_an_idle_case_goes_after_24_months_and_the_yearly_referral_count_survives(triage):
    sweeps = triage_sweeps(24)
    year = triage.clock.now().year
    await triage.signal("arrears.reported", AMSTERDAM_SINGLE, **ARREARS)
    await close_windows(triage, 366)  # the follow-up closes: no eviction
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, **ARREARS)  # another household, a year later
    idle, active = triage.case_key(AMSTERDAM_SINGLE), triage.case_key(AMSTERDAM_FAMILY)
    assert await referrals(triage, year) == 1

    triage.clock.advance(days=365 * 2 - 366 - 2)  # two days short of 24 months since the signal
    assert await run_retention(triage.runtime.sessions, RETENTION_JOB, sweeps, triage.clock.now()) == 0
    triage.clock.advance(days=10)  # past 24 months since its last signal (the follow-up closed a year before)
    deleted = await run_retention(triage.runtime.sessions, RETENTION_JOB, sweeps, triage.clock.now())
    gone = await triage.client.get(f"/v1/cases/{idle}", headers=TEAM)
    kept = await triage.client.get(f"/v1/cases/{active}", headers=TEAM)
    log = await triage.client.get("/v1/retention/deletions", headers=OFFICER)
    denied = await triage.client.get("/v1/retention/deletions", headers=TEAM)

    assert deleted > 0 and gone.status_code == 404 and kept.status_code == 200
    assert await referrals(triage, year) == 1, "the team's referral of that year still counts against its capacity"
    assert denied.status_code == 403
    lines = {d["kind"]: (d["job"], d["rule"], d["cases"], d["rows"]) for d in log.json()}
    assert set(lines) >= {"case", "timeline_entry", "alert", "follow_up"}
    assert lines["case"] == ("triage-retention", "case_idle_24_months", 1, 1)
    assert lines["follow_up"] == ("triage-retention", "case_idle_24_months", 1, 1)
    assert lines["alert"][3] >= 1 and sum(line[3] for line in lines.values()) == deleted
