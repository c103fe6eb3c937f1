"""What every page shares: the templates, who is logged in, role checks, CSRF, messages.

A page asks for `require(Role.X)`; without a valid session the browser is sent to
the login (an expired access token is first renewed with the refresh token), with the
wrong role it gets a 403 page that links to its own page. Every POST must carry the
session's CSRF token (form field `csrf_token`, or header `X-CSRF-Token`), else 403.
HTMX requests (header `HX-Request`) get fragments; the same forms also work without
JavaScript, through a redirect that carries a message key (never free text).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from shared import clock
from typing import Any
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from shared.organisations import Organisations, Role
from services.portal.labels import label, summary_items
from services.portal.session import COOKIE, Entry, Session, csrf_matches

HERE = Path(__file__).parent
DUTCH_TIME = clock.DUTCH_TIME  # the day and time Dutch readers see (shared.clock)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MESSAGES = {
    "uitgelogd": "U bent uitgelogd.",
    "verlopen": "Uw sessie is verlopen. Log opnieuw in.",
    "bevestigd": "De melding is bevestigd.",
    "aangevraagd": "De opvangaanvraag is verstuurd.",
    "geplaatst": "De plaatsing is bevestigd.",
    "deels-geplaatst": "De plaatsing is bevestigd voor een deel van het gezin. De GGD houdt de anderen in beeld.",
    "trajectplan": "Het trajectplan is vastgelegd. Er volgen geen herinneringen meer.",
    "rest-opgenomen": "De rest van het gezin is opgenomen: het hele gezin is geplaatst.",
    "afgewezen": "De afwijzing is vastgelegd. Het gezin wordt elders aangeboden of op de wachtlijst gezet.",
    "verstuurd": "Het signaal is ontvangen door de keten.",
    "teruggemeld": "De terugmelding is vastgelegd.",
    "huisbezoek": "Het huisbezoek is vastgelegd.",
    "samenstelling": "De samenstelling is gecorrigeerd. De zaak is opnieuw beoordeeld.",
    "alternatief": "De verblijfplaats is vastgelegd. Het gezin blijft op de wachtlijst.",
    "capaciteit": "De capaciteit is aangepast.",
    "vangnetplan": "Het vangnetplan is vastgelegd. De keten stuurt voor deze ontruiming geen urgente melding meer.",
    "vertrokken": "Het vertrek is vastgelegd. De eenheid is weer vrij.",
    "concept": "De regels zijn opgeslagen als concept. Ze gelden pas als u het concept publiceert.",
    "gepubliceerd": "De versie is gepubliceerd: signalen worden vanaf nu met deze regels beoordeeld.",
}
NAVIGATION = {
    Role.GGD: [("/ggd", "Meldingen"), ("/ggd/opvang", "Opvang aanvragen"), ("/ggd/melden/zorgmelding", "Zorgmelding doen")],
    Role.PREVENTION_TEAM: [("/preventie", "Meldingen en rapportages"), ("/preventie/melden/zorgmelding", "Zorgmelding doen")],
    Role.SHELTER: [("/opvang", "Capaciteit en verzoeken"), ("/opvang/melden/terugval", "Terugval melden")],
    Role.CORPORATION: [("/corporatie", "Signalen")],
    Role.BAILIFF: [("/deurwaarder", "Ontruimingen")],
    Role.POLICE: [("/politie", "Meldingen")],
    Role.MUNICIPALITY: [
        ("/gemeente", "Monitor"), ("/gemeente/regels", "Routeringsregels"), ("/gemeente/melden/zorgmelding", "Zorgmelding doen"),
    ],  # fmt: skip
}


class LoginRequired(Exception):
    def __init__(self, expired: bool = False):
        self.expired = expired


class WrongRole(Exception):
    def __init__(self, session: Session):
        self.session = session


class CsrfRefused(Exception):
    """A POST without this session's CSRF token."""


def build_templates(organisations: Organisations) -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.filters["organisation"] = lambda org_id: found.name if (found := organisations.get(str(org_id))) else org_id
    env.filters["label"] = label
    env.filters["summary_items"] = summary_items
    env.filters["number"] = lambda value: f"{value:,}".replace(",", ".") if isinstance(value, int) else value
    env.filters["moment"] = _moment
    env.filters["day"] = _day
    return templates


def _moment(value: str | None) -> str:
    """An ISO timestamp from a service, shown as dd-mm-jjjj uu:mm in Dutch time."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(DUTCH_TIME).strftime("%d-%m-%Y %H:%M")


def _day(value: str | None) -> str:
    if not value:
        return ""
    year, month, day = str(value)[:10].split("-")
    return f"{day}-{month}-{year}"


def entry_of(request: Request) -> Entry | None:
    """The server-side session the cookie names (logged in or not), if it is still kept."""
    state = request.app.state
    return state.sessions.get(request.cookies.get(COOKIE), state.clock.now())


def session_of(request: Request) -> Session | None:
    """The login of this request, while its access token lasts."""
    entry = entry_of(request)
    login = entry.login if entry is not None else None
    return login if login is not None and login.expires_at > request.app.state.clock.now() else None


async def current_session(request: Request) -> Session | None:
    """The login of this request, its access token renewed when it ran out and may be refreshed."""
    entry = entry_of(request)
    if entry is None or entry.login is None:
        return None
    now = request.app.state.clock.now()
    if entry.login.expires_at > now:
        return entry.login
    client = request.app.state.oidc
    if client is None or not entry.login.refreshable(now):
        return None
    try:
        entry.login = await client.refresh(entry.login, now)
    except Exception:  # noqa: BLE001 - LoginFailed or a provider outage: log in again
        return None
    return entry.login


async def check_csrf(request: Request) -> None:
    """Every POST carries the session's CSRF token, as a form field or a header."""
    if request.method != "POST":
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(CSRF_FIELD)
    if not csrf_matches(entry_of(request), str(sent) if sent else None):
        raise CsrfRefused()


def require(role: Role) -> Callable[[Request], Session]:
    async def dependency(request: Request) -> Session:
        session = await current_session(request)
        if session is None:
            entry = entry_of(request)
            # "expired" for a login that ran out or a session the portal forgot, not for a visitor
            raise LoginRequired(expired=entry.login is not None if entry is not None else COOKIE in request.cookies)
        await check_csrf(request)
        if session.role is not role:
            raise WrongRole(session)
        return session

    return dependency


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    session = (context or {}).get("session") or session_of(request)
    message_key = request.query_params.get("melding", "")
    entry = entry_of(request)
    base = {
        "session": session,
        "csrf_token": entry.csrf_token if entry is not None else "",
        "navigation": NAVIGATION.get(session.role, []) if session else [],
        "message": MESSAGES.get(message_key, ""),
        "path": request.url.path,
        "development": request.app.state.settings.environment != "production",
    }
    return request.app.state.templates.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status_code
    )


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def to_login(request: Request, expired: bool) -> Response:
    target = "/inloggen?melding=verlopen" if expired else "/inloggen"
    response: Response = (
        Response(status_code=200, headers={"HX-Redirect": target}) if is_htmx(request) else redirect(target)
    )
    if expired:  # a visitor keeps the session that holds their login form's CSRF token
        forget_session(request, response)
    return response


def keep_session(request: Request, response: Response, session_id: str) -> None:
    """The session id as an HttpOnly, SameSite=Lax cookie (Lax: the identity provider's
    redirect back is a top-level navigation from another site; POSTs are guarded by the
    CSRF token), Secure outside development and test. It lives as long as the browser
    session; the server forgets an idle session by itself."""
    response.set_cookie(
        COOKIE,
        session_id,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookie,
    )


def forget_session(request: Request, response: Response) -> None:
    request.app.state.sessions.delete(request.cookies.get(COOKIE))
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=request.app.state.settings.secure_cookie
    )


def anonymous_entry(request: Request, response: Response) -> Entry:
    """This browser's session, made (and its cookie set) when it has none: a login form's
    CSRF token and a pending login need one before anyone is logged in."""
    entry = entry_of(request)
    if entry is None:
        session_id, entry = request.app.state.sessions.create(request.app.state.clock.now())
        keep_session(request, response, session_id)
    return entry
