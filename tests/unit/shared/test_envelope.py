import json

import pytest

from shared.contracts import event_types
from shared.contracts.envelope import ContractError, decode, encode
from shared.contracts.events import REGISTRY
from tests.support.events import arrears_event



def test_every_type_string_has_exactly_one_model():
    spelled = {value for name, value in vars(event_types).items() if name.isupper() and name != "PREFIX"}
    assert spelled == set(REGISTRY)


def test_an_event_survives_the_kafka_binding():
    event = arrears_event()
    decoded = decode(encode(event))
    assert decoded.envelope == event.envelope and decoded.data == event.data
    document = json.loads(encode(event))
    assert document["specversion"] == "1.0" and document["datacontenttype"] == "application/json"
    assert document["type"] == "nl.signaalketen.arrears.reported.v1"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "empty record"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "invalid CloudEvent envelope"),
        (b"x" * (300 * 1024), "exceeds the limit"),
    ],
)
def test_undecodable_records_say_why(raw, reason):
    with pytest.raises(ContractError, match=reason):
        decode(raw)


def test_unknown_type_and_wrong_data_are_refused_with_the_field():
    document = json.loads(encode(arrears_event()))
    unknown = {**document, "type": "nl.signaalketen.arrears.forgiven.v1"}
    with pytest.raises(ContractError, match="unknown event type"):
        decode(json.dumps(unknown).encode())
    wrong = {**document, "data": {**document["data"], "months": 0}}
    with pytest.raises(ContractError, match="months"):
        decode(json.dumps(wrong).encode())


def test_source_must_be_an_nl_urn_and_subject_a_pseudonym():
    document = json.loads(encode(arrears_event()))
    with pytest.raises(ContractError, match="source"):
        decode(json.dumps({**document, "source": "https://ymere.nl"}).encode())
    with pytest.raises(ContractError, match="subject"):
        decode(json.dumps({**document, "subject": "Jan Jansen, Damrak 1"}).encode())
