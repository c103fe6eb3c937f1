"""Triage's reads of the population register are in its audit log, like a person's reads:
under triage's register client, for the signal that caused them; a case read by a team
is there too, next to it."""

import httpx

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


async def test_every_register_request_carries_the_purpose_headers_a_brp_gateway_logs(triage, register_root):
    """The stand-in logs what a BRP gateway would: purpose binding, processing activity
    with the signal, the asking organisation's OIN, the user, and the trace. The audit row
    of the same lookup names the processing activity and its legal basis, and the trace."""
    signal_id = await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00")
    settings = triage.runtime.settings
    async with httpx.AsyncClient(base_url=register_root) as register:
        protocol = (await register.get("/haalcentraal/protocollering", params={"limit": 1000})).json()
    asked = [entry for entry in protocol if signal_id in (entry["verwerking"] or "")]
    assert asked, "the register saw a request for the signal"
    for entry in asked:
        assert entry["doelbinding"] == settings.register_doelbinding
        assert entry["verwerking"] == f"{settings.register_verwerking}@signaal {signal_id}"
        assert entry["origin_oin"] == settings.chain_oin and entry["gebruiker"] == "signaalketen-register-client"
        assert entry["trace_id"] == signal_id.replace("-", "")
    log = (await triage.client.get("/v1/audit", params={"subject": triage.case_key(AMSTERDAM_FAMILY)}, headers=OFFICER)).json()
    lookup = next(row for row in log if row["action"] == "register lookup" and signal_id in row["purpose"])
    assert lookup["trace_id"] == asked[0]["trace_id"]
    assert lookup["processing_activity_id"] == settings.register_processing_activity_id
    assert lookup["legal_basis"] == settings.register_legal_basis and "Wet BRP" in lookup["legal_basis"]


async def test_a_team_reading_a_case_is_audited_under_triage_s_processing_activity(triage):
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00")
    case_key = triage.case_key(AMSTERDAM_FAMILY)
    await triage.client.get(f"/v1/cases/{case_key}", headers=key("vroeg-eropaf-amsterdam"))
    log = (await triage.client.get("/v1/audit", params={"subject": case_key}, headers=OFFICER)).json()
    read = next(row for row in log if row["action"] == "read case")
    assert read["processing_activity_id"] == "urn:nld:signaalketen:verwerkingsactiviteit:triage"
    assert read["legal_basis"] == triage.runtime.settings.legal_basis
