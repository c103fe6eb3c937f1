"""One SignalType: the name partners post, the contract it becomes, the CloudEvent type on the
wire, and the name the intake's errors quote, all from the one enum."""

import httpx
import pytest
from pydantic import TypeAdapter, ValidationError

from shared.contracts.event_types import SignalType, short_name
from shared.contracts.events import REGISTRY
from shared.contracts.events.signals import SIGNALS
from shared.problems import clean_errors
from services.arrears.schemas import SignalIn


def test_every_signal_type_has_its_contract_and_its_cloud_event_type_reads_back():
    assert set(SIGNALS) == set(SignalType)
    for signal_type, model in SIGNALS.items():
        assert model.signal_type is signal_type
        assert REGISTRY[signal_type.event_type] is model
        assert SignalType.of(model.event_type) is signal_type
        assert short_name(model.event_type) == signal_type.value == f"{signal_type}"


def test_an_event_that_is_no_signal_has_no_signal_type():
    with pytest.raises(ValueError):
        SignalType.of("nl.signaalketen.alert.raised.v1")


def test_an_unknown_type_is_answered_with_the_names_partners_post():
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(SignalIn).validate_python({"type": "arrears.forgiven"})
    [entry] = clean_errors(refused.value.errors())
    assert entry["loc"] == ["type"]
    assert entry["msg"] == "unknown value; expected one of " + ", ".join(f"'{t.value}'" for t in SignalType)


def test_a_signal_type_goes_over_json_as_its_name():
    request = httpx.Request("POST", "http://intake/v1/signals", json={"type": SignalType.FAMILY_FOUND})
    assert request.content == b'{"type":"eviction.family-found"}'
