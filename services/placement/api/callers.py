"""Who may call placement's routes (the role gate, shared.auth).
Whether an organisation may touch a given object is the use case's question (shared.entitlement)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import caller
from shared.caller import Caller
from shared.organisations import Role

Shelter = Annotated[Caller, Depends(caller(Role.SHELTER))]
Ggd = Annotated[Caller, Depends(caller(Role.GGD))]
Reader = Annotated[Caller, Depends(caller(Role.SHELTER, Role.GGD, Role.MUNICIPALITY))]
RequestReader = Annotated[Caller, Depends(caller(Role.SHELTER, Role.GGD))]
