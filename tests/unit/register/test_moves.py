"""The stand-in's test hook (services/register/moves.py): the Utrecht family of the official
test set moves to an Amsterdam dwelling where nobody was registered. BRP Personen then finds
it there, BRP Bewoning finds it at the old dwelling before the move and at the new one after;
without test hooks the path does not exist."""

from __future__ import annotations

import httpx

from services.register.app import BEWONING_PATH, PERSONEN_PATH, create_app

MESONWEG = "0344010000192444"  # Utrecht: two adults, three children (official test persons)
NEW_HOME = "0363010000999001"  # Amsterdam: nobody registered
FAMILY = ["999996150", "999996162", "999996174", "999996186", "999996241"]
MOVE = {"burgerservicenummers": FAMILY, "adresseerbaarObjectIdentificatie": NEW_HOME, "datumAanvangAdreshouding": "2026-10-15"}


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://register.test")


async def bsns_on(register, object_id: str, day: str) -> set[str]:
    query = {"type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": object_id, "peildatum": day}
    answer = (await register.post(BEWONING_PATH, json=query)).json()
    return {p["burgerservicenummer"] for b in answer["bewoningen"] for p in b["bewoners"]}


async def test_a_family_moves_and_both_apis_follow_it():
    async with client(create_app(test_hooks=True)) as register:
        assert await bsns_on(register, NEW_HOME, "2026-11-01") == set()
        moved = await register.post("/test/verhuizing", json=MOVE)
        assert moved.status_code == 200 and moved.json() == {"moved": 5}

        now = await register.post(PERSONEN_PATH, json={
            "type": "ZoekMetAdresseerbaarObjectIdentificatie", "adresseerbaarObjectIdentificatie": NEW_HOME,
            "fields": ["burgerservicenummer"],
        })  # fmt: skip
        assert {p["burgerservicenummer"] for p in now.json()["personen"]} == set(FAMILY)
        assert await bsns_on(register, MESONWEG, "2026-10-14") == set(FAMILY), "who lived there before the move"
        assert await bsns_on(register, MESONWEG, "2026-10-15") == set()
        assert await bsns_on(register, NEW_HOME, "2026-10-15") == set(FAMILY)
        bad = await register.post("/test/verhuizing", json={**MOVE, "adresseerbaarObjectIdentificatie": "12"})
        assert bad.status_code == 422


async def test_without_test_hooks_nobody_moves():
    async with client(create_app()) as register:
        assert (await register.post("/test/verhuizing", json=MOVE)).status_code in (404, 405)
        assert await bsns_on(register, MESONWEG, "2026-11-01") == set(FAMILY)
