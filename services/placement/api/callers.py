"""Who may call placement's routes (the role gate, shared.auth), and the runtime they use.
Whether an organisation may touch a given object is the use case's question (shared.entitlement)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.auth import caller
from shared.caller import Caller
from shared.organisations import Role
from shared.runtime import Runtime

Shelter = Annotated[Caller, Depends(caller(Role.SHELTER))]
Ggd = Annotated[Caller, Depends(caller(Role.GGD))]
Reader = Annotated[Caller, Depends(caller(Role.SHELTER, Role.GGD, Role.MUNICIPALITY))]
RequestReader = Annotated[Caller, Depends(caller(Role.SHELTER, Role.GGD))]


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
