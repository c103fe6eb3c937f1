"""Triage's reads of the population register are in its audit log, like a person's reads:
under triage's register client, for the signal that caused them; a case read by a team
is there too, next to it."""

from tests.support.apps import key
from tests.support.triage import AMSTERDAM_FAMILY

OFFICER = key("functionaris-gegevensbescherming")


async def test_a_register_lookup_for_a_signal_is_audited_under_the_register_client(triage):
    signal_id = await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00")
    case_key = triage.case_key(AMSTERDAM_FAMILY)
    read = await triage.client.get(f"/v1/cases/{case_key}", headers=key("vroeg-eropaf-amsterdam"))
    log = (await triage.client.get("/v1/audit", params={"subject": case_key}, headers=OFFICER)).json()
    assert read.status_code == 200, read.text
    case_read, lookup = log
    assert (lookup["action"], lookup["caller_subject"], lookup["caller_kind"]) == (
        "register lookup", "signaalketen-register-client", "system"
    )
    assert lookup["purpose"] == f"triage of signal {signal_id} (arrears.reported)"
    assert lookup["trace_id"] == signal_id.replace("-", "") and lookup["organisation_id"] == "signaalketen"
    assert (case_read["action"], case_read["organisation_id"], case_read["caller_subject"]) == (
        "read case", "vroeg-eropaf-amsterdam", "vroeg-eropaf-amsterdam"
    )
