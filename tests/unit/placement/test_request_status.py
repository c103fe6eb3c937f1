"""A placement request moves only as the table allows, and its enum columns keep the
strings the database held before they were enums (no migration needed)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import String, inspect, text

from services.placement.domain.request_status import ALLOWED_MOVES, OPEN, MoveNotAllowed, RequestStatus, check_move
from services.placement.moves import move
from tests.support.apps import key, running
from tests.support.placement import HVO, UNITS, full_except, post_request

S = RequestStatus
# What the use cases do, written out: matched, confirmed, declined or matched again, ended,
# an update while waiting, a freed unit offered, withdrawn; confirmed for part of the family,
# an update on the persons not admitted, the rest admitted later, and that placement ended.
MOVES_MADE = [
    (S.NEW, S.OFFERED), (S.NEW, S.WAITLISTED), (S.OFFERED, S.PLACED), (S.OFFERED, S.NEW), (S.PLACED, S.ENDED),
    (S.WAITLISTED, S.WAITLISTED), (S.WAITLISTED, S.OFFERED), (S.WAITLISTED, S.WITHDRAWN), (S.OFFERED, S.WITHDRAWN),
    (S.OFFERED, S.PARTLY_PLACED), (S.PARTLY_PLACED, S.PARTLY_PLACED), (S.PARTLY_PLACED, S.PLACED), (S.PARTLY_PLACED, S.ENDED),
]  # fmt: skip


def test_every_move_the_use_cases_make_is_in_the_table_and_nothing_else():
    for current, target in MOVES_MADE:
        assert check_move(current, target) is target
    listed = {(current, target) for current, targets in ALLOWED_MOVES.items() for target in targets}
    assert listed == set(MOVES_MADE)
    assert set(ALLOWED_MOVES) == set(RequestStatus)


@pytest.mark.parametrize(
    "current, target",
    [
        (S.PLACED, S.WAITLISTED), (S.PLACED, S.WITHDRAWN), (S.ENDED, S.OFFERED), (S.WITHDRAWN, S.WAITLISTED), (S.WAITLISTED, S.PLACED),
        (S.PARTLY_PLACED, S.WITHDRAWN), (S.PARTLY_PLACED, S.WAITLISTED), (S.WAITLISTED, S.PARTLY_PLACED),
        (S.PLACED, S.PARTLY_PLACED),
    ],  # fmt: skip
)
def test_a_move_the_table_does_not_list_is_refused(current, target):
    with pytest.raises(MoveNotAllowed, match=f"from {current} to {target}"):
        check_move(current, target)


def test_a_case_has_one_open_request_while_it_is_offered_waitlisted_or_placed_wholly_or_partly():
    assert OPEN == {S.OFFERED, S.WAITLISTED, S.PLACED, S.PARTLY_PLACED}


async def test_a_refused_move_writes_nothing(app, runtime):
    async with running(app) as client:
        offered = await post_request(client)
        confirmed = await client.post(f"/v1/requests/{offered['id']}/confirm", headers=key(HVO))
        assert confirmed.status_code == 200, confirmed.text
        with pytest.raises(MoveNotAllowed):
            async with runtime.sessions() as session, session.begin():
                await move(session, uuid.UUID(offered["id"]), S.PLACED, S.WAITLISTED)
        after = (await client.get(f"/v1/requests/{offered['id']}", headers=key(HVO))).json()
    assert after["status"] == "placed"


ENUM_COLUMNS = {
    "facility": ["unit_type"],
    "placement_request": ["family_type", "need", "status", "outflow", "cause", "referral_source"],
    "alternative": ["kind"],
    "withdrawal": ["reason", "status_before", "outcome"],
}


async def test_enum_columns_store_the_same_strings_in_plain_varchar_columns(app, runtime):
    async with running(app) as client:
        await full_except(runtime, {UNITS: 1})
        placed = await post_request(client)
        await client.post(f"/v1/requests/{placed['id']}/confirm", headers=key(HVO))
        waiting = await post_request(client, family_type="one_parent", adults=1, need="family")
        await client.post(f"/v1/requests/{waiting['id']}/alternative", json={"kind": "hotel"}, headers=key(waiting["requested_by"]))
        ended = await client.post(f"/v1/requests/{placed['id']}/end", json={"outflow": "own_network"}, headers=key(HVO))
        assert ended.status_code == 200, ended.text

    async with runtime.engine.connect() as connection:
        requests = (await connection.execute(text("SELECT id, status, family_type, need, outflow FROM placement_request"))).all()
        kinds = (await connection.execute(text("SELECT kind FROM alternative"))).scalars().all()
        unit_type = (await connection.execute(text("SELECT unit_type FROM facility WHERE id = :id"), {"id": UNITS})).scalar_one()
        columns = await connection.run_sync(lambda sync: {t: inspect(sync).get_columns(t) for t in ENUM_COLUMNS})
    stored = {str(uuid.UUID(str(row.id))): (row.status, row.family_type, row.need, row.outflow) for row in requests}
    assert stored == {
        placed["id"]: ("ended", "two_parent", "crisis", "own_network"),
        waiting["id"]: ("waitlisted", "one_parent", "family", None),
    }
    assert kinds == ["hotel"] and unit_type == "family_two_parent"
    for table, names in ENUM_COLUMNS.items():
        types = {column["name"]: column["type"] for column in columns[table]}
        for name in names:
            assert isinstance(types[name], String) and types[name].length is None, f"{table}.{name} is {types[name]!r}"
