"""The other partners' signal forms (zorgmelding, the corporation's contact attempt, relapse after
housing support): what each asks, checked before sending, with a Dutch message per field; and
which role is offered which form, by the intake's own rule (MAY_POST)."""

from datetime import date

from shared.contracts.event_types import SignalType
from shared.organisations import Organisation, Role
from services.arrears.intake import may_post
from services.portal import eviction_forms as ef
from services.portal import signal_forms as sf

TODAY = date(2026, 11, 28)
DWELLING = {"dwelling": "0828010000012345", "observed_on": "2026-11-27"}


def organisation(role: Role) -> Organisation:
    return Organisation(id="x", name="x", role=role, urn="urn:nld:kvk:1")


def test_a_concern_report_names_at_least_one_known_concern_each_once():
    parsed = ef.eviction_signal(sf.CONCERN, {**DWELLING, "concerns": ["nuisance", "children", "nuisance"]}, TODAY)
    assert parsed.ok and parsed.body == {
        "type": "concern.reported", "observed_on": "2026-11-27", "concerns": ["nuisance", "children"],
        "address": {"adresseerbaarObjectIdentificatie": "0828010000012345"},
    }  # fmt: skip
    assert ef.eviction_signal(sf.CONCERN, {**DWELLING, "concerns": "debts"}, TODAY).body["concerns"] == ["debts"]
    assert set(ef.eviction_signal(sf.CONCERN, DWELLING, TODAY).errors) == {"concerns"}
    assert "minstens één" in ef.eviction_signal(sf.CONCERN, {**DWELLING, "concerns": ["addiction"]}, TODAY).errors["concerns"]


def test_a_contact_attempt_says_how_and_what_came_of_it():
    parsed = ef.eviction_signal(sf.CONTACT, {**DWELLING, "method": "visit", "result": "not_reached"}, TODAY)
    assert (parsed.body["type"], parsed.body["method"], parsed.body["result"]) == ("corporation.contact-attempted", "visit", "not_reached")
    assert set(ef.eviction_signal(sf.CONTACT, {**DWELLING, "method": "mail"}, TODAY).errors) == {"method", "result"}


def test_a_relapse_may_say_when_the_support_began_but_not_after_the_relapse():
    assert ef.eviction_signal(sf.RELAPSE, DWELLING, TODAY).body == {
        "type": "support.relapsed", "observed_on": "2026-11-27", "address": {"adresseerbaarObjectIdentificatie": "0828010000012345"},
    }  # fmt: skip
    started = ef.eviction_signal(sf.RELAPSE, {**DWELLING, "support_started_on": "2026-03-01"}, TODAY)
    assert started.body["support_started_on"] == "2026-03-01"
    after = ef.eviction_signal(sf.RELAPSE, {**DWELLING, "support_started_on": "2026-11-28"}, TODAY)
    assert set(after.errors) == {"support_started_on"} and "niet na de terugval" in after.errors["support_started_on"]


def test_each_role_is_offered_only_forms_the_intake_accepts_and_every_one_of_the_other_partners_forms_it_may_post():
    for role, offered in sf.FORMS_OF.items():
        assert all(may_post(organisation(role), f.signal_type) for f in offered), role
    for signal_form in (sf.CONCERN, sf.CONTACT, sf.RELAPSE):
        for role in Role:
            offered = sf.form_for(role, signal_form.slug) is signal_form
            assert offered == may_post(organisation(role), SignalType(signal_form.signal_type)), (role, signal_form.slug)
    assert [f.slug for f in sf.FORMS_OF[Role.POLICE]] == ["gezin-aangetroffen", "zorgmelding"]
    assert sf.form_for(Role.POLICE, "ontruiming-aangezegd") is None and sf.form_for(Role.BAILIFF, "ontruiming-aangezegd") is ef.SCHEDULED
