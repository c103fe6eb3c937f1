"""FastAPI dependencies every service's routes share.

`RuntimeDep` gives a route the service's `Runtime` (shared.runtime), which the app
factory puts on `app.state` (shared.http.service_app)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
