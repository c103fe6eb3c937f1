"""Prevention team: its alerts with their reports (contact made, home visits, the intermediate
report at 14 days, the final report at 28 days with the outcome), and acknowledging an alert.
Its signal forms (a zorgmelding) are pages/signalling.py's, the safety-net plan pages/safety_net.py's.

Two services know an alert: triage keeps the reports and their due dates (`GET /v1/alerts`,
`POST /v1/alerts/{id}/feedback`), notifications keeps whether a person took it up and when
it escalates (`GET /v1/inbox`, `POST /v1/inbox/{id}/acknowledge`). The page joins them by
the alert's id. A reminder triage sent about an alert is shown on that alert's card.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.clock import dutch_date
from shared.organisations import Role
from services.portal import care_forms, forms, web
from services.portal.session import Session

router = APIRouter(prefix="/preventie", include_in_schema=False)
Team = Annotated[Session, Depends(web.require(Role.PREVENTION_TEAM))]
FEEDBACK_FIELDS = {
    "type": ("type", "Dit is al teruggemeld, of de eindrapportage is al gegeven: de melding is gesloten."),
    "reported_on": ("reported_on", "De datum ligt vóór de melding of in de toekomst."),
    "outcome": ("outcome", "Deze uitkomst werd niet geaccepteerd."),
    "visitors": ("visitors", "Het aantal medewerkers werd niet geaccepteerd: 1 tot en met 6."),
    "met_household": ("met_household", "Geef aan of het huishouden opendeed."),
}
FEEDBACK_REFUSALS = forms.Refusals(FEEDBACK_FIELDS, "De terugmelding werd niet geaccepteerd.", forms.WITH_CONFLICT)


@router.get("")
async def inbox(request: Request, session: Team) -> Response:
    return await _inbox_page(request, session, {}, {})


async def _inbox_page(
    request: Request, session: Session, forms_sent: dict[str, dict], errors: dict[str, dict], status_code: int = 200
) -> Response:
    backend = request.app.state.backend
    alerts = await backend.get("triage", "/v1/alerts", session.token, {"limit": 200})
    inbox_items = await backend.get("notifications", "/v1/inbox", session.token, {"limit": 200})
    cards = alert_cards(alerts, {item["alert_id"]: item for item in inbox_items})
    context = {
        "session": session,
        "open_cards": [card for card in cards if card["open_feedback"]],
        "closed_cards": [card for card in cards if not card["open_feedback"]],
        "forms_sent": forms_sent,
        "errors": errors,
        "today": _today(request).isoformat(),
        "outcomes": care_forms.PREVENTION_OUTCOMES,
    }
    return web.render(request, "prevention/inbox.html", context, status_code)


def alert_cards(alerts: list[dict], inbox: dict[str, dict]) -> list[dict]:
    """One card per alert (not per reminder), the reports still open first, the earliest final report due first."""
    reminders: dict[str, list[dict]] = {}
    for alert in alerts:
        if alert.get("regarding_alert_id"):
            reminders.setdefault(alert["regarding_alert_id"], []).append(alert)
    cards = [
        {
            **alert,
            "inbox": inbox.get(alert["alert_id"]),
            "reminders": reminders.get(alert["alert_id"], []),
            "open_feedback": care_forms.open_feedback(alert),
        }
        for alert in alerts
        if not alert.get("regarding_alert_id")
    ]
    return sorted(cards, key=lambda c: (not c["open_feedback"], c.get("final_report_due") or c["due"], c["raised_at"]))


def _today(request: Request) -> date:
    return dutch_date(request.app.state.clock.now())


@router.post("/meldingen/{alert_id}/terugmelden")
async def report(request: Request, alert_id: UUID, session: Team) -> Response:
    form = {key: str(value) for key, value in (await request.form()).items()}
    parsed = care_forms.prevention_feedback(form, _today(request))
    sent = await forms.submit(
        parsed,
        lambda body: request.app.state.backend.post("triage", f"/v1/alerts/{alert_id}/feedback", session.token, json=body),
        FEEDBACK_REFUSALS,
    )
    if sent.errors:
        key = str(alert_id)
        return await _inbox_page(request, session, {key: form}, {key: sent.errors}, sent.status_code)
    message = "huisbezoek" if parsed.body["type"] == "home-visit" else "teruggemeld"
    return web.redirect(f"/preventie?melding={message}#melding-{alert_id}")


@router.post("/meldingen/{alert_id}/bevestigen")
async def acknowledge(request: Request, alert_id: UUID, session: Team) -> Response:
    parsed = forms.acknowledgement(await request.form())
    key = str(alert_id)
    if not parsed.ok:
        return await _inbox_page(request, session, {}, {key: parsed.errors}, 422)
    await request.app.state.backend.post(
        "notifications", f"/v1/inbox/{alert_id}/acknowledge", session.token, json=parsed.body or None
    )
    return web.redirect(f"/preventie?melding=bevestigd#melding-{alert_id}")
