import pytest

from shared.webhooks import InvalidSignature, ReplayGuard, sign, verified_event, verify


def test_a_signed_body_verifies_and_a_tampered_one_does_not():
    header = sign("secret", b'{"id": 1}', timestamp=1_000)
    assert verify("secret", header, b'{"id": 1}', now=1_010) == 1_000
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("secret", header, b'{"id": 2}', now=1_010)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("other", header, b'{"id": 1}', now=1_010)


def test_an_old_delivery_replayed_later_is_refused():
    header = sign("secret", b"{}", timestamp=1_000)
    with pytest.raises(InvalidSignature, match="replay"):
        verify("secret", header, b"{}", now=1_000 + 301)


def test_a_missing_or_garbled_header_is_refused():
    for header in (None, "", "v1=abc", "t=x,v1=abc"):
        with pytest.raises(InvalidSignature):
            verify("secret", header, b"{}")


def test_the_replay_guard_lets_each_event_through_once():
    guard = ReplayGuard(capacity=2)
    assert guard.first_time("a") and not guard.first_time("a")
    assert guard.first_time("b") and guard.first_time("c")
    assert guard.first_time("a"), "forgotten after capacity is exceeded"


def test_a_verified_event_is_the_signed_cloudevent_and_its_id_the_key_to_deduplicate_on():
    body = b'{"id": "e-1", "type": "nl.signaalketen.alert.raised.v1"}'
    event = verified_event("secret", sign("secret", body, timestamp=1_000), body, now=1_010)
    assert event["id"] == "e-1"
    for not_an_event in (b"[]", b'{"type": "x"}', b'{"id": ""}', b"not json"):
        with pytest.raises(InvalidSignature):
            verified_event("secret", sign("secret", not_an_event, timestamp=1_000), not_an_event, now=1_010)
    with pytest.raises(InvalidSignature, match="does not match"):
        verified_event("secret", sign("secret", body, timestamp=1_000), body.replace(b"e-1", b"e-2"), now=1_010)
