"""The GGD's case page shows the family's earlier cases (docs/adr/0038): the Utrecht family of
the official test set is evicted from Mesonweg 2, moves to an Amsterdam dwelling (the
register stand-in's test hook), and is evicted there too. GGD Amsterdam, alerted for the
second eviction, sees the Utrecht case, the day of that eviction and its shelter request;
GGD Utrecht, not alerted in Amsterdam, does not get the Amsterdam case at all."""

from __future__ import annotations

from datetime import date

import httpx

from shared.clock import FakeClock
from services.register.app import create_app as register_app
from tests.support import events as monitor_events
from tests.support.register_server import PERSONEN_BASE, running_register
from tests.support.triage import Triage
from tests.unit.portal.support import in_process_chain

MESONWEG = "0344010000192444"
NEW_HOME = "0363010000999001"
FAMILY = ["999996150", "999996162", "999996174", "999996186", "999996241"]


async def test_the_ggd_sees_the_utrecht_eviction_on_the_amsterdam_case(tmp_path):
    clock = FakeClock(monitor_events.on(28))
    with running_register(register_app(test_hooks=True)) as register:
        async with in_process_chain(tmp_path, clock, register + PERSONEN_BASE) as chain:
            app = chain.apps["triage"]
            triage = Triage(app=app, client=None, bus=chain.bus, clock=clock, runtime=app.state.runtime)
            evicted_on = date(2026, 9, 1)
            await triage.signal("eviction.executed", MESONWEG, by="deurwaarder-noord", observed_on=evicted_on,
                                eviction_date=evicted_on, outcome="evicted")  # fmt: skip
            move = {"burgerservicenummers": FAMILY, "adresseerbaarObjectIdentificatie": NEW_HOME, "datumAanvangAdreshouding": "2026-10-15"}
            assert httpx.post(register + "/test/verhuizing", json=move).json() == {"moved": 5}
            await triage.signal("eviction.executed", NEW_HOME, by="deurwaarder-amsterdam", outcome="evicted")
            earlier, later = triage.case_key(MESONWEG), triage.case_key(NEW_HOME)

            await chain.login("ggd-amsterdam-vangnet")
            page = await chain.portal.get(f"/ggd/zaken/{later}?doel=zaakbehandeling")
            await chain.portal.post("/uitloggen")
            await chain.login("ggd-utrecht")
            elsewhere = await chain.portal.get(f"/ggd/zaken/{later}?doel=zaakbehandeling")

    assert page.status_code == 200, page.text
    section = page.text.split('id="eerder-kop"')[1].split("</section>")[0]
    assert f'data-case-key="{earlier}"' in section and "Utrecht" in section
    assert "<dt>Uitgezet</dt><dd>01-09-2026</dd>" in section and "Dezelfde personen</dt><dd>5" in section
    assert "<dd>GG&amp;GD Utrecht</dd>" in section, "the Utrecht GGD asked for a place"
    assert "<dd>Plaats aangeboden</dd>" in section and "<dd>Tussenvoorziening Utrecht</dd>" in section
    assert elsewhere.status_code == 404 and earlier not in elsewhere.text
