"""The case's timeline speaks Dutch in the portal, and the case's codes are stored as
the same strings they always were (a migration written from the old schema fits)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.portal.labels import LABELS
from services.triage.domain.case import CaseState
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import HouseholdCase
from tests.support.triage import AMSTERDAM_FAMILY


def test_every_kind_of_timeline_line_has_a_dutch_label_in_the_portal():
    labels = LABELS["timeline_kind"]
    assert [kind for kind in TimelineKind if kind not in labels] == []
    assert sorted(set(labels) - set(TimelineKind)) == [], "a label for a kind triage never writes"


async def test_a_cases_state_codes_and_timeline_are_stored_as_plain_strings(triage):
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00")
    case_key = triage.case_key(AMSTERDAM_FAMILY)
    async with triage.runtime.engine.connect() as connection:
        case = (await connection.execute(text("SELECT state, composition_source FROM household_case"))).one()
        kinds = (await connection.execute(text("SELECT kind FROM case_entry ORDER BY id"))).scalars().all()
        alert = (await connection.execute(text("SELECT kind, priority, \"trigger\" FROM alert"))).one()
        reports = (await connection.execute(text("SELECT report FROM report_deadline ORDER BY id"))).scalars().all()
    assert tuple(case) == ("signalled", "register")
    assert kinds == ["signal", "assessment", "decision", "alert"]
    assert tuple(alert) == ("prevention", "normal", "signal")
    assert reports == ["intermediate", "final"]
    async with triage.runtime.sessions() as session:
        assert (await session.get(HouseholdCase, case_key)).state is CaseState.SIGNALLED


async def test_a_code_the_enum_does_not_know_is_refused_when_written(triage):
    now = triage.clock.now()
    with pytest.raises(Exception, match="not among the defined enum values"):
        async with triage.runtime.sessions() as session, session.begin():
            session.add(HouseholdCase(case_key="hh-x", municipality_code="0363", state="half-open", opened_at=now, updated_at=now))
