"""The monitor counts districts only by their code (issue 11): whatever text an event
carries in `district`, a value not on the municipality's list is counted under
"unknown" and never shown, not in the public table, not to the municipality."""

from __future__ import annotations

from tests.support.apps import key, running
from tests.support.wait import wait_for
from tests.support import events as s
from tests.support.events import publish
from tests.support.figures import AMSTERDAM, figure

FREE_TEXT = "Fam. de Vries, Dapperstraat 12"


async def counted(client, district: str, total: int):
    async def probe():
        response = await client.get("/v1/figures", params={**AMSTERDAM, "district": district}, headers=key("gemeente-amsterdam"))
        return response.json() if figure(response.json(), "eviction", "evicted") == total else None

    return await wait_for(probe, what=f"{total} evictions counted in {district}")


async def test_free_text_in_district_is_counted_as_unknown_and_never_shown(app, bus):
    await publish(
        bus,
        s.executed(s.on(12), "evicted", district="oost"),
        s.executed(s.on(12), "evicted", district=FREE_TEXT),
        s.executed(s.on(12), "evicted", district="overvecht"),  # a code, but of Utrecht
    )
    async with running(app) as client:
        await counted(client, "unknown", 2)
        own = await counted(client, "oost", 1)
        public = await client.get("/v1/public/figures", params=AMSTERDAM)
        public_csv = await client.get("/v1/public/figures.csv", params=AMSTERDAM)
        free_text_query = await client.get("/v1/public/figures", params={**AMSTERDAM, "district": FREE_TEXT})
    assert own["districts"] == public.json()["districts"] == ["oost", "unknown"]
    for response in (public, public_csv):
        assert "Vries" not in response.text and "overvecht" not in response.text
    assert free_text_query.status_code == 400 and "Vries" not in free_text_query.text
