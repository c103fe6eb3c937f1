"""Corporation: post a rent-arrears signal, and read the status and outcome of its own signals;
its other forms (a concern, its own contact attempts, a relapse after housing support) are
pages/signalling.py's, on this router.

The list comes from the intake's `GET /v1/signals` (own signals, newest first, a page
of 50). An intake without that endpoint answers 404/405: the page then still offers
the lookup by signal id, and every signal posted here links to its status page.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.clock import dutch_date
from shared.organisations import Role
from services.portal import forms, signal_forms, web
from services.portal.backend import Rejected
from services.portal.pages.signalling import SIGNAL_FIELDS, add_signal_forms, send_signal
from services.portal.session import Session

router = APIRouter(prefix="/corporatie", include_in_schema=False)
Corporation = Annotated[Session, Depends(web.require(Role.CORPORATION))]
PAGE_SIZE = 50


@router.get("")
async def overview(request: Request, session: Corporation) -> Response:
    return await _overview(request, session, {}, {})


async def _overview(
    request: Request,
    session: Session,
    form: dict,
    errors: dict[str, str],
    status_code: int = 200,
    lookup_error: str = "",
) -> Response:
    offset = _offset(request.query_params.get("vanaf", ""))
    signals = await _own_signals(request, session, offset)
    today = dutch_date(request.app.state.clock.now()).isoformat()
    form = {"observed_on": today, "idempotency": str(uuid4()), **form}
    context = {
        "session": session,
        "signals": signals,
        "form": form,
        "errors": errors,
        "lookup_error": lookup_error,
        "today": today,
        "page_size": PAGE_SIZE,
        "signal_forms": signal_forms.FORMS_OF[Role.CORPORATION],
    }
    return web.render(request, "corporation/overview.html", context, status_code)


def _offset(text: str) -> int:
    return int(text) if text.isdigit() and int(text) <= 1_000_000 else 0


async def _own_signals(request: Request, session: Session, offset: int) -> dict | None:
    """A page of the intake's list of own signals (`items`, `total`, `offset`), newest first;
    None when the intake has no such list."""
    params = {"limit": PAGE_SIZE, "offset": offset}
    try:
        answer = await request.app.state.backend.get("arrears", "/v1/signals", session.token, params)
    except Rejected as exc:
        if exc.status in (404, 405):
            return None
        raise
    if isinstance(answer, list):  # a plain list: one page with everything
        return {"items": answer, "total": len(answer), "offset": 0}
    return answer


@router.get("/signaal")
async def lookup(request: Request, session: Corporation, id: str = "") -> Response:
    try:
        signal_id = UUID(id.strip())
    except ValueError:
        return await _overview(
            request, session, {}, {}, 422, "Vul het signaalnummer in zoals u het kreeg (bijvoorbeeld 3f2a…-…)."
        )
    return web.redirect(f"/corporatie/signalen/{signal_id}")


@router.get("/signalen/{signal_id}")
async def signal(request: Request, signal_id: UUID, session: Corporation) -> Response:
    status = await request.app.state.backend.get("arrears", f"/v1/signals/{signal_id}", session.token)
    return web.render(request, "corporation/signal.html", {"session": session, "signal": status})


@router.post("/signalen")
async def post_signal(request: Request, session: Corporation) -> Response:
    form = {key: str(value) for key, value in (await request.form()).items()}
    parsed = forms.arrears_signal(form, dutch_date(request.app.state.clock.now()))
    sent = await send_signal(request, session, parsed, form, SIGNAL_FIELDS)
    if sent.errors:
        return await _overview(request, session, form, sent.errors, sent.status_code)
    return web.redirect(f"/corporatie/signalen/{sent.answer['id']}?melding=verstuurd")


# a concern, its own contact attempts and a relapse after housing support; the status page is the one above
add_signal_forms(router, Role.CORPORATION, "/corporatie", "Terug naar uw signalen", status_page=False)
