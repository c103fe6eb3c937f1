"""FastAPI dependencies every service's routes share.

`RuntimeDep` gives a route the service's `Runtime` (shared.runtime), which the app
factory puts on `app.state` (shared.http.service_app)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.runtime import Runtime


async def runtime_of(request: Request) -> Runtime:
    """Async on purpose: FastAPI runs a plain `def` dependency in a worker thread, a hop per request."""
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
