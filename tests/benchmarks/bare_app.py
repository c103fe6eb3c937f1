"""The baseline for intake throughput: a bare FastAPI endpoint that validates the same
request body and answers 202, served by uvicorn with the same settings as the services."""

from typing import Any
from uuid import uuid4

import uvicorn
from fastapi import FastAPI, status
from pydantic import TypeAdapter

from services.arrears.schemas import BatchIn, SignalIn

app = FastAPI()
_SIGNAL = TypeAdapter(SignalIn)


@app.post("/v1/signals", status_code=status.HTTP_202_ACCEPTED)
async def accept(body: SignalIn) -> dict[str, str]:
    return {"id": str(uuid4())}


@app.post("/v1/signals/batch")
async def accept_batch(body: BatchIn) -> dict[str, Any]:
    """Each row validated as the intake validates it, each answered with an id."""
    rows = [_SIGNAL.validate_python(row) for row in body.signals]
    return {"accepted": [{"index": index, "id": str(uuid4())} for index, _ in enumerate(rows)], "rejected": []}


if __name__ == "__main__":
    import sys

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
