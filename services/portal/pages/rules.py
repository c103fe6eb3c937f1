"""Municipality, its functional administrator: the routing rules as versions. Reads the
versions and the published rules, checks a new version without storing it, stores it as
a draft and publishes a draft (triage's `/v1/rules/{code}/...`; services/triage/RULES.md).

The rules are edited as the JSON document triage keeps (`{"rules": [...]}`), prefilled
with the published version. Triage's problems name the rule and the field; the page
lists them as they come, in front of the editor."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.organisations import Role
from services.portal import web
from services.portal.backend import Rejected
from services.portal.session import Session

router = APIRouter(prefix="/gemeente/regels", include_in_schema=False)
Municipality = Annotated[Session, Depends(web.require(Role.MUNICIPALITY))]
DOCUMENT = "regels"  # the form field (and the editor's id)
VALID = "De regels zijn in orde. Er is nog niets opgeslagen."


def _code(session: Session) -> str:
    return session.organisation.municipality_codes[0]


@router.get("")
async def versions(request: Request, session: Municipality) -> Response:
    return await _page(request, session, None, [], None)


async def _page(
    request: Request, session: Session, text: str | None, problems: list[dict], notice: str | None, status_code: int = 200
) -> Response:
    backend, code = request.app.state.backend, _code(session)
    listed = await backend.get("triage", f"/v1/rules/{code}/versions", session.token)
    published = next((v for v in listed if v["state"] == "published"), None)
    current = await backend.get("triage", f"/v1/rules/{code}/versions/{published['version']}", session.token) if published else None
    context = {
        "session": session,
        "code": code,
        "versions": listed,
        "published": current,
        "text": text if text is not None else json.dumps(current["document"] if current else {"rules": []}, indent=2, ensure_ascii=False),
        "problems": problems,
        "notice": notice,
        "errors": {DOCUMENT: f"{len(problems)} probleem/problemen in de regels, zie de lijst."} if problems else {},
    }
    return web.render(request, "municipality/rules.html", context, status_code)


def _parsed(text: str) -> tuple[dict | None, list[dict]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [{"rule": "", "field": "", "reason": f"geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}): {exc.msg}"}]
    if not isinstance(document, dict):
        return None, [{"rule": "", "field": "", "reason": 'het document moet een object zijn: {"rules": [...]}'}]
    return document, []


@router.post("")
async def check_or_store(request: Request, session: Municipality) -> Response:
    form = await request.form()
    text, action = str(form.get(DOCUMENT, "")), str(form.get("actie", "controleren"))
    document, problems = _parsed(text)
    if problems:
        return await _page(request, session, text, problems, None, 422)
    backend, code = request.app.state.backend, _code(session)
    path = f"/v1/rules/{code}/versions" if action == "opslaan" else f"/v1/rules/{code}/validation"
    try:
        answer = await backend.post("triage", path, session.token, json=document)
    except Rejected as exc:
        if exc.status != 400:
            raise
        return await _page(request, session, text, _problems(exc.detail), None, 422)
    if action != "opslaan":
        return await _page(request, session, text, [], VALID)
    return web.redirect(f"/gemeente/regels?melding=concept&versie={answer['version']}#versies")


@router.post("/{number}/publiceren")
async def publish(request: Request, number: int, session: Municipality) -> Response:
    try:
        await request.app.state.backend.post("triage", f"/v1/rules/{_code(session)}/versions/{number}/publication", session.token)
    except Rejected as exc:
        if exc.status not in (404, 409):
            raise
        return await _page(request, session, None, [], f"Versie {number} kon niet worden gepubliceerd: alleen een concept kan dat.", 409)
    return web.redirect(f"/gemeente/regels?melding=gepubliceerd&versie={number}#versies")


def _problems(detail) -> list[dict]:
    """Triage's 400: each invalid-params entry as (rule, field, reason)."""
    entries = detail if isinstance(detail, list) else []
    problems = []
    for entry in entries:
        loc = [str(part) for part in entry.get("loc", [])]
        rule, field = (loc[2], ".".join(loc[3:])) if len(loc) > 3 and loc[1] == "rules" else ("", ".".join(loc[1:]))
        reason = str(entry.get("msg", ""))
        problems.append({"rule": rule, "field": field, "reason": reason.split(": ", 1)[-1] if reason.startswith("rule ") else reason})
    return problems
