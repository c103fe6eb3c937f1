"""Every role's signal forms: a page per signal type the role may post (`/<home>/melden/<slug>`),
sent to the intake's `POST /v1/signals`, and the status of a signal sent (`/<home>/signalen/<id>`,
the intake's `GET /v1/signals/{id}`): where it went and whether it was taken up.

The bailiff and the police have a page of their own signals (pages/evictions.py), the corporation
its arrears page (pages/corporation.py); the GGD, prevention teams, municipalities and shelters
reach their forms from the navigation. Which role gets which form: `signal_forms.FORMS_OF`.
Every form carries its own token as the Idempotency-Key, so sending it twice posts one signal.
"""

# No `from __future__ import annotations` here: the routes are made in a function, and FastAPI
# must see their `Signaller` dependency as an object, not as a name it cannot resolve.
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.clock import dutch_date
from shared.organisations import Role
from services.portal import eviction_forms, forms, signal_forms, web
from services.portal.backend import Rejected
from services.portal.eviction_forms import SignalForm
from services.portal.session import Session

SIGNAL_FIELDS = {
    "adresseerbaarObjectIdentificatie": ("dwelling", "Dit BAG-verblijfsobjectnummer werd niet geaccepteerd."),
    "postcode": ("postcode", "Deze postcode werd niet geaccepteerd."),
    "huisnummer": ("huisnummer", "Dit huisnummer werd niet geaccepteerd."),
    "huisletter": ("huisletter", "Deze huisletter werd niet geaccepteerd."),
    "huisnummertoevoeging": ("huisnummertoevoeging", "Deze toevoeging werd niet geaccepteerd."),
    "gemeentecode": ("gemeentecode", "Deze gemeentecode werd niet geaccepteerd."),
    "observed_on": ("observed_on", "Deze datum werd niet geaccepteerd."),
    "months": ("months", "Het aantal maanden werd niet geaccepteerd."),
    "amount_eur": ("amount_eur", "Het bedrag werd niet geaccepteerd."),
    "district": ("district", "Het stadsdeel werd niet geaccepteerd."),
}
FORM_FIELDS = {  # the intake's 400 names these fields of the signal forms
    **SIGNAL_FIELDS,
    "eviction_date": ("eviction_date", "Deze ontruimingsdatum werd niet geaccepteerd (te ver weg of te lang geleden)."),
    "outcome": ("outcome", "Deze uitkomst werd niet geaccepteerd."),
    "reason": ("reason", "Deze reden werd niet geaccepteerd."),
    "adults": ("adults", "Het aantal volwassenen werd niet geaccepteerd."),
    "children_ages": ("children_ages", "De leeftijden werden niet geaccepteerd."),
    "concerns": ("concerns", "Deze onderwerpen werden niet geaccepteerd: kies elk onderwerp één keer."),
    "method": ("method", "Deze manier van contact werd niet geaccepteerd."),
    "result": ("result", "Deze uitkomst van de contactpoging werd niet geaccepteerd."),
    "support_started_on": ("support_started_on", "Deze begindatum werd niet geaccepteerd: niet na de terugval."),
}


SIGNAL_REFUSED = "Het signaal werd niet geaccepteerd."


async def send_signal(
    request: Request, session: Session, parsed: forms.Parsed, form: dict, fields: dict
) -> forms.Sent:
    """Post a checked signal to the intake (`forms.submit`), the form's own token as its
    Idempotency-Key (sending the form twice posts one signal); the intake's 400 or 422 names
    the field in error."""
    key = form.get("idempotency", "")[:100] or str(uuid4())
    return await forms.submit(
        parsed,
        lambda body: request.app.state.backend.post(
            "arrears", "/v1/signals", session.token, json=body, headers={"Idempotency-Key": key}
        ),
        forms.Refusals(fields, SIGNAL_REFUSED),
    )


def add_signal_forms(router: APIRouter, role: Role, home: str, back: str, status_page: bool = True) -> APIRouter:
    """The role's signal forms on `router` (prefix `home`), and the status page of a signal sent
    unless the router has its own (`status_page=False`). `back` is the text of the link home."""
    Signaller = Annotated[Session, Depends(web.require(role))]
    place = {"home": home, "back": back}

    @router.get("/melden/{slug}")
    async def new_signal(request: Request, slug: str, session: Signaller) -> Response:
        return form_page(request, session, place, _form_or_404(role, slug), {}, {})

    @router.post("/melden/{slug}")
    async def post_signal(request: Request, slug: str, session: Signaller) -> Response:
        signal_form = _form_or_404(role, slug)
        posted = await request.form()
        form = {key: str(value) for key, value in posted.items()} | {"concerns": posted.getlist("concerns")}
        parsed = eviction_forms.eviction_signal(signal_form, form, dutch_date(request.app.state.clock.now()))
        sent = await send_signal(request, session, parsed, form, FORM_FIELDS)
        if sent.errors:
            return form_page(request, session, place, signal_form, form, sent.errors, sent.status_code)
        return web.redirect(f"{home}/signalen/{sent.answer['id']}?melding=verstuurd")

    if status_page:

        @router.get("/signalen/{signal_id}")
        async def signal(request: Request, signal_id: UUID, session: Signaller) -> Response:
            status = await request.app.state.backend.get("arrears", f"/v1/signals/{signal_id}", session.token)
            return web.render(request, "corporation/signal.html", {"session": session, "signal": status, **place})

    return router


def _form_or_404(role: Role, slug: str) -> SignalForm:
    signal_form = signal_forms.form_for(role, slug)
    if signal_form is None:
        raise Rejected("portal", 404)
    return signal_form


def form_page(
    request: Request,
    session: Session,
    place: dict[str, str],
    signal_form: SignalForm,
    form: dict,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    today = dutch_date(request.app.state.clock.now()).isoformat()
    context = {
        "session": session,
        **place,
        "signal_form": signal_form,
        "form": {"observed_on": today, "idempotency": str(uuid4()), **form},
        "errors": errors,
        "today": today,
        "outcomes": eviction_forms.OUTCOMES,
        "concerns": signal_forms.CONCERNS,
        "contact_methods": signal_forms.CONTACT_METHODS,
        "contact_results": signal_forms.CONTACT_RESULTS,
    }
    return web.render(request, "evictions/form.html", context, status_code)


def signals_router(role: Role, home: str, back: str) -> APIRouter:
    """A router with only the role's signal forms and their status pages."""
    return add_signal_forms(APIRouter(prefix=home, include_in_schema=False), role, home, back)


ggd = signals_router(Role.GGD, "/ggd", "Terug naar de meldingen")
prevention = signals_router(Role.PREVENTION_TEAM, "/preventie", "Terug naar de meldingen en rapportages")
municipality = signals_router(Role.MUNICIPALITY, "/gemeente", "Terug naar de monitor")
shelter = signals_router(Role.SHELTER, "/opvang", "Terug naar capaciteit en verzoeken")
