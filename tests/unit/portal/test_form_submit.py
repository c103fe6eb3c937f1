"""`forms.submit`, the one way a page sends a checked form: the service's answer, or the errors
(and the status) with which the page shows the form again, with what was typed. A service's
refusal as `portal.backend` raises it (`Rejected`, its detail the `{loc, msg}` entries of the
problem's invalid-params); the last test posts a real form to the real intake, in-process."""

from __future__ import annotations

import re
import uuid

import pytest

from services.portal import forms
from services.portal.backend import Rejected, Unavailable

FIELDS = {"observed_on": ("observed_on", "Deze datum werd niet geaccepteerd.")}
REFUSALS = forms.Refusals(FIELDS, "Het signaal werd niet geaccepteerd.")
CONFLICTS = forms.Refusals(FIELDS, "Dit is al vastgelegd.", forms.WITH_CONFLICT)
CHECKED = forms.Parsed(body={"observed_on": "2020-01-01"})


def refusing(status: int, detail=None):
    async def send(_body: dict) -> dict:
        raise Rejected("arrears", status, detail)

    return send


async def answering(body: dict) -> dict:
    return {"id": "s-1", "sent": body}


async def test_a_right_form_is_sent_and_the_service_answer_comes_back():
    sent = await forms.submit(CHECKED, answering, REFUSALS)
    assert sent.answer == {"id": "s-1", "sent": {"observed_on": "2020-01-01"}} and sent.errors == {}


async def test_a_wrong_form_is_not_sent_and_its_own_errors_come_back_as_422():
    wrong = forms.Parsed(errors={"observed_on": "Vul een datum in."})
    sent = await forms.submit(wrong, refusing(500), REFUSALS)  # would raise if it were sent
    assert (sent.errors, sent.status_code) == ({"observed_on": "Vul een datum in."}, 422)


async def test_a_422_naming_a_field_shows_that_fields_message_and_a_400_shows_as_422():
    detail = [{"loc": ["body", "observed_on"], "msg": "more than a year ago"}]
    for status in (422, 400):
        sent = await forms.submit(CHECKED, refusing(status, detail), REFUSALS)
        assert (sent.errors, sent.status_code) == ({"observed_on": "Deze datum werd niet geaccepteerd."}, 422), status
    unnamed = await forms.submit(CHECKED, refusing(422, "bad"), REFUSALS)
    assert unnamed.errors == {forms.FORM_ERROR: "Het signaal werd niet geaccepteerd."}


async def test_a_409_stays_409_where_the_form_expects_one_and_goes_to_the_error_page_elsewhere():
    sent = await forms.submit(CHECKED, refusing(409, "already recorded"), CONFLICTS)
    assert (sent.errors, sent.status_code) == ({forms.FORM_ERROR: "Dit is al vastgelegd."}, 409)
    with pytest.raises(Rejected) as refused:
        await forms.submit(CHECKED, refusing(409), REFUSALS)
    assert refused.value.status == 409


async def test_a_404_shows_the_forms_own_message_only_where_it_expects_one():
    unknown_case = forms.Refusals(FIELDS, "-", not_found={"case_key": "Deze zaak is niet bekend."}, not_found_status=404)
    sent = await forms.submit(CHECKED, refusing(404), unknown_case)
    assert (sent.errors, sent.status_code) == ({"case_key": "Deze zaak is niet bekend."}, 404)
    with pytest.raises(Rejected):
        await forms.submit(CHECKED, refusing(404), REFUSALS)


async def test_a_forbidden_request_or_a_service_that_does_not_answer_goes_on_to_the_error_pages():
    with pytest.raises(Rejected):
        await forms.submit(CHECKED, refusing(403), CONFLICTS)

    async def away(_body: dict) -> dict:
        raise Unavailable("arrears", 503)

    with pytest.raises(Unavailable):
        await forms.submit(CHECKED, away, CONFLICTS)


async def test_the_intakes_refusal_keeps_what_was_typed_next_to_the_field_it_names(chain):
    """The real intake refuses a contact attempt of 2020 (its 400 names `observed_on`): the form
    comes back with the message on that field and every value as typed."""
    await chain.login("ymere")
    dwelling = f"036301{uuid.uuid4().int % 10**10:010d}"
    typed = {"dwelling": dwelling, "observed_on": "2020-01-01", "method": "call", "result": "not_reached"}
    refused = await chain.portal.post("/corporatie/melden/contactpoging", data=typed)
    assert refused.status_code == 422
    assert 'id="observed_on-fout"' in refused.text and "Deze datum werd niet geaccepteerd." in refused.text
    assert re.search(r'id="observed_on"[^>]*value="2020-01-01"[^>]*aria-invalid="true"', refused.text)
    assert f'value="{dwelling}"' in refused.text
    assert re.search(r'value="call"[^>]*selected', refused.text) and re.search(r'value="not_reached"[^>]*selected', refused.text)
