"""The safety-net plan before a family's eviction (the report's recommendation C), for the GGD
and for a team the case was routed to: the eviction's date, the day the plan was agreed and
what it arranges (triage `POST /v1/cases/{case_key}/safety-net-plan`). Triage then raises no
urgent late-in-view alert for that eviction, and notes the plan on the case's timeline.

The GGD reaches the form from its case page and returns there (the timeline shows the plan);
a prevention team from an alert card, and returns to its alerts.
"""

# No `from __future__ import annotations` here: the routes are made in a function (pages/signalling.py).
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.clock import dutch_date
from shared.organisations import Role
from services.portal import care_forms, forms, web
from services.portal.backend import Rejected
from services.portal.pages.ggd import CASE_KEY, PURPOSES
from services.portal.session import Session

PLAN_FIELDS = {
    "eviction_date": ("eviction_date", "Voor deze zaak staat geen ontruiming op deze datum gepland (of er komt geen ontruiming meer)."),
    "made_on": ("made_on", "Deze datum kan niet: in de toekomst of na de ontruiming."),
    "arrangements": ("arrangements", "Deze afspraken werden niet geaccepteerd."),
}
CASE_NOT_FOUND = "Deze zaak is niet bekend bij uw organisatie: een vangnetplan legt u vast voor een zaak die bij u is belegd."
PLAN_REFUSALS = forms.Refusals(
    PLAN_FIELDS, "Het vangnetplan werd niet geaccepteerd.", forms.WITH_CONFLICT, not_found={forms.FORM_ERROR: CASE_NOT_FOUND}
)


def plan_router(role: Role, home: str, back: str) -> APIRouter:
    router = APIRouter(prefix=home, include_in_schema=False)
    Worker = Annotated[Session, Depends(web.require(role))]

    @router.get("/zaken/{case_key}/vangnetplan")
    async def plan_form(request: Request, case_key: str, session: Worker, ontruiming: str = "", doel: str = "") -> Response:
        _check(case_key)
        return _page(request, session, home, back, case_key, {"eviction_date": ontruiming, "doel": doel}, {})

    @router.post("/zaken/{case_key}/vangnetplan")
    async def record_plan(request: Request, case_key: str, session: Worker) -> Response:
        _check(case_key)
        posted = await request.form()
        form = {key: str(value) for key, value in posted.items()} | {"arrangements": posted.getlist("arrangements")}
        sent = await forms.submit(
            care_forms.safety_net_plan(form, dutch_date(request.app.state.clock.now())),
            lambda body: request.app.state.backend.post(
                "triage", f"/v1/cases/{case_key}/safety-net-plan", session.token, json=body
            ),
            PLAN_REFUSALS,
        )
        if sent.errors:
            return _page(request, session, home, back, case_key, form, sent.errors, sent.status_code)
        return web.redirect(_after(home, case_key, form.get("doel", "")))

    return router


def _after(home: str, case_key: str, purpose: str) -> str:
    """The GGD back to the case, whose timeline shows the plan; a team to its alerts."""
    if home == "/ggd":
        purpose = purpose if purpose in PURPOSES else PURPOSES[-1]
        return f"/ggd/zaken/{case_key}?{urlencode({'doel': purpose, 'melding': 'vangnetplan'})}"
    return f"{home}?melding=vangnetplan"


def _page(
    request: Request,
    session: Session,
    home: str,
    back: str,
    case_key: str,
    form: dict,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    today = dutch_date(request.app.state.clock.now()).isoformat()
    purpose = form.get("doel", "")
    back_to = (f"/ggd/zaken/{case_key}" + (f"?{urlencode({'doel': purpose})}" if purpose else "")) if home == "/ggd" else home
    context = {
        "session": session,
        "home": home,
        "back": back,
        "back_to": back_to,
        "case_key": case_key,
        "form": {"made_on": today, **form},
        "errors": errors,
        "today": today,
        "arrangements": care_forms.ARRANGEMENTS,
    }
    return web.render(request, "safety_net_plan.html", context, status_code)


def _check(case_key: str) -> None:
    if not CASE_KEY.match(case_key):
        raise Rejected("triage", 404)


ggd = plan_router(Role.GGD, "/ggd", "Terug naar de zaak")
prevention = plan_router(Role.PREVENTION_TEAM, "/preventie", "Terug naar de meldingen en rapportages")
