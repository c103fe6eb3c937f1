"""A municipality's routing rules as managed data: its functional administrator reads the
versions, validates a draft, stores it and publishes it, without a restart (the rules:
services.triage.rules.admin; how the instances notice: services.triage.rules.versions).

Only a municipality's organisation (role `municipality`) may use these routes, and only
for its own municipality codes: any other code answers 404, as for a code without rules
(docs/adr/0011). Invalid rules are a 400 whose `invalid-params` name the rule and the
field: `rules.<rule id>.<field>`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request, status
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from shared.auth import caller
from shared.caller import Caller
from shared.deps import RuntimeDep
from shared.entitlement import serves
from shared.errors import Conflict, NotFound
from shared.organisations import Role
from services.triage.domain.rules_version import version_label
from services.triage.rules import admin
from services.triage.rules.municipal import RuleProblem
from services.triage.tables import RulesVersion

router = APIRouter(prefix="/v1", tags=["routing rules (municipality)"])
Administrator = Annotated[Caller, Depends(caller(Role.MUNICIPALITY))]
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="CBS gemeentecode, e.g. 0363")]
Number = Annotated[int, Path(ge=1, le=1_000_000, description="the version number")]
Document = Annotated[dict[str, Any], Body(description='{"rules": [...]}: the municipality\'s rules in order, shaped as in rules/default.yaml')]
NO_RULES = "no routing rules of this municipality for your organisation"


class ValidationView(BaseModel):
    valid: bool = Field(description="always true: invalid rules are a 400 naming each rule and field")


class VersionSummary(BaseModel):
    municipality_code: str
    version: int
    label: str = Field(description="how a decision's trace names this version, e.g. `0363 v3`")
    state: str = Field(description="draft | published | superseded")
    created_at: datetime
    created_by: dict[str, Any]
    published_at: datetime | None
    published_by: dict[str, Any] | None


class VersionView(VersionSummary):
    document: dict[str, Any]


def _own(administrator: Caller, code: str) -> None:
    if not serves(administrator.organisation, code):
        raise NotFound(NO_RULES)


def _summary(row: RulesVersion) -> dict:
    fields = row.model_dump(exclude={"document"})
    return {**fields, "state": row.state.value, "label": version_label(row.municipality_code, row.version)}


def _view(row: RulesVersion) -> VersionView:
    return VersionView(**_summary(row), document=row.document)


def _refused(problems: list[RuleProblem]) -> HTTPException:
    entries = [
        {"loc": ["body", "rules", p.rule, *p.path], "msg": f"rule {p.rule}, field {p.field}: {p.reason}", "type": "invalid_rule"}
        if p.rule else {"loc": ["body", *p.path], "msg": p.reason, "type": "invalid_rules"}
        for p in problems
    ]  # fmt: skip
    return HTTPException(status.HTTP_400_BAD_REQUEST, detail=entries)


@router.get("/rules/{code}/versions", response_model=list[VersionSummary], summary="Your municipality's rules versions, newest first", responses={404: {}})
async def list_versions(code: Code, administrator: Administrator, runtime: RuntimeDep) -> list[VersionSummary]:
    _own(administrator, code)
    async with runtime.sessions() as session:
        return [VersionSummary(**_summary(row)) for row in await admin.versions(session, code)]


@router.get("/rules/{code}/versions/{number}", response_model=VersionView, summary="One rules version with its rules", responses={404: {}})
async def read_version(code: Code, number: Number, administrator: Administrator, runtime: RuntimeDep) -> VersionView:
    _own(administrator, code)
    async with runtime.sessions() as session:
        return _view(await admin.version(session, code, number))


@router.post(
    "/rules/{code}/validation", response_model=ValidationView, responses={404: {}},
    summary="Check rules without storing them: 200 when valid, else 400 naming each rule and field",
)  # fmt: skip
async def validate_rules(code: Code, document: Document, administrator: Administrator, request: Request) -> ValidationView:
    _own(administrator, code)
    problems = admin.problems_of(request.app.state.rules_book, request.app.state.runtime.organisations, code, document)
    if problems:
        raise _refused(problems)
    return ValidationView(valid=True)


@router.post(
    "/rules/{code}/versions", response_model=VersionView, status_code=status.HTTP_201_CREATED,
    summary="Store valid rules as a new draft version", responses={404: {}, 409: {}},
)  # fmt: skip
async def create_draft(code: Code, document: Document, administrator: Administrator, runtime: RuntimeDep, request: Request) -> VersionView:
    _own(administrator, code)
    book = request.app.state.rules_book
    try:
        async with runtime.sessions() as session, session.begin():
            row = await admin.write_draft(session, book, runtime.organisations, code, document, administrator, runtime.clock.now())
            view = _view(row)
    except admin.RulesRefused as refused:
        raise _refused(refused.problems) from None
    except IntegrityError:
        raise Conflict("another draft was stored at the same moment: read the versions and try again") from None
    return view


@router.post(
    "/rules/{code}/versions/{number}/publication", response_model=VersionView,
    summary="Publish a draft: it decides every signal from now on, on every triage instance", responses={404: {}, 409: {}},
)  # fmt: skip
async def publish_version(code: Code, number: Number, administrator: Administrator, runtime: RuntimeDep) -> VersionView:
    _own(administrator, code)
    try:
        async with runtime.sessions() as session, session.begin():
            view = _view(await admin.publish(session, code, number, administrator, runtime.clock.now()))
    except IntegrityError:
        raise Conflict("another version was published at the same moment: read the versions and try again") from None
    return view
