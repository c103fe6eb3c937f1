"""An event of the chain as the notificatie of the ZGW Notificaties API 1.0 (pure).

The body points at the chain's own resources by URL and carries only the kenmerken of
`kanalen`: a case pseudonym, a municipality code, an event name. Whoever follows a URL
authenticates there and is checked as every reader is (ownership, audit); the
notificatie itself holds nothing about a person.

    {"kanaal": "signaalketen-alerts",
     "hoofdObject": "<triage>/v1/cases/hh-…",             # the case
     "resource": "alert",
     "resourceUrl": "<notifications>/v1/inbox/<alert id>",  # the alert in the recipient's inbox
     "actie": "create",
     "aanmaakdatum": "2026-11-28T09:00:00Z",               # the event's time
     "kenmerken": {"casusPseudoniem": "hh-…", "gemeentecode": "0363", "gebeurtenis": "alert.raised"}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from shared.contracts.envelope import Event
from services.notifications.zgw import BASE_PATH
from services.notifications.zgw.kanalen import ALERTS, Kanaal, kanaal_of, kenmerken

CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class ResourceLinks:
    """Where partners reach the chain's services: the base URLs, without a trailing slash."""

    triage: str
    placement: str
    notifications: str

    @classmethod
    def of(cls, settings) -> ResourceLinks:
        """From NotificationsSettings (`triage_url`, `placement_url`, `own_url`)."""
        return cls(settings.triage_url.rstrip("/"), settings.placement_url.rstrip("/"), settings.own_url)

    def case(self, case_key: str) -> str:
        return f"{self.triage}/v1/cases/{case_key}"

    def inbox_alert(self, alert_id: UUID) -> str:
        return f"{self.notifications}/v1/inbox/{alert_id}"

    def placement_request(self, request_id: UUID) -> str:
        return f"{self.placement}/v1/requests/{request_id}"

    def kanaal(self, kanaal_id: UUID) -> str:
        return f"{self.notifications}{BASE_PATH}/kanaal/{kanaal_id}"

    def abonnement(self, abonnement_id: UUID) -> str:
        return f"{self.notifications}{BASE_PATH}/abonnement/{abonnement_id}"

    @property
    def documentation(self) -> str:
        """The kanalen, kenmerken and acties explained: the service's OpenAPI page at the facade's tag."""
        return f"{self.notifications}/docs#/zgw-notificaties"


def notificatie(event: Event, links: ResourceLinks) -> dict | None:
    """The notificatie for `event`, or None when no kanaal carries its type."""
    kanaal = kanaal_of(event.type)
    if kanaal is None:
        return None
    main_object, resource_url = _urls(kanaal, event, links)
    return {
        "kanaal": kanaal.naam,
        "hoofdObject": main_object,
        "resource": kanaal.resource,
        "resourceUrl": resource_url,
        "actie": kanaal.acties[event.type],
        "aanmaakdatum": aanmaakdatum(event.envelope.time),
        "kenmerken": kenmerken(event.type, event.subject, event.data.municipality_code),
    }


def encoded(body: dict) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def stored(body: dict, event: Event) -> str:
    """The notificatie as a delivery keeps it: with the event's trace context (`traceparent`,
    `tracestate`) as members of its own, so the callback's span continues the signal's trace
    (docs/adr/0031). They never reach the subscriber: the callback client's transport takes
    them off and sends its own span's context as the W3C headers instead
    (services.notifications.delivery_trace), so the body sent is the standard's notificatie."""
    trace_context = {"traceparent": event.envelope.traceparent, "tracestate": event.envelope.tracestate}
    return encoded({**body, **{name: value for name, value in trace_context.items() if value}})


def aanmaakdatum(moment: datetime) -> str:
    """RFC 3339 in UTC, as the standard's examples write it: 2019-01-01T12:00:00Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _urls(kanaal: Kanaal, event: Event, links: ResourceLinks) -> tuple[str, str]:
    """(hoofdObject, resourceUrl): an alert belongs to its case; a placement request is its own main object."""
    if kanaal is ALERTS:
        return links.case(event.subject), links.inbox_alert(event.data.alert_id)
    request = links.placement_request(event.data.request_id)
    return request, request
