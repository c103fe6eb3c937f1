"""What trace a webhook request continues (services/notifications/delivery_trace.py): the
delivered CloudEvent's, a batch's first event's with links to the others', or a new one."""

import json

from opentelemetry import trace
from opentelemetry.trace import format_trace_id

from services.notifications.delivery_trace import contexts_in

FIRST, SECOND = "4bf92f3577b34da6a3ce929d0e0e4736", "0af7651916cd43dd8448eb211c80319c"


def traced(trace_id: str) -> dict:
    return {"id": trace_id, "type": "nl.signaalketen.alert.raised.v1", "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}


def trace_of(context) -> str | None:
    span_context = trace.get_current_span(context).get_span_context()
    return format_trace_id(span_context.trace_id) if span_context.is_valid else None


def test_one_cloudevent_continues_its_trace():
    parent, links = contexts_in(json.dumps(traced(FIRST)).encode())
    assert trace_of(parent) == FIRST and links == []


def test_a_batch_continues_its_first_event_s_trace_and_links_the_others():
    parent, links = contexts_in(json.dumps([traced(FIRST), traced(SECOND), {"id": "no trace"}]).encode())
    assert trace_of(parent) == FIRST
    assert [format_trace_id(link.context.trace_id) for link in links] == [SECOND]


def test_a_body_without_trace_context_begins_a_new_trace():
    for body in (b'{"kanaal": "signaalketen-alerts", "actie": "create"}', b"not json", b"[]", b'"text"'):
        parent, links = contexts_in(body)
        assert trace_of(parent) is None and links == [], body
