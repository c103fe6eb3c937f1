"""The baseline for intake throughput: a bare FastAPI endpoint that validates the same
request body and answers 202, served by uvicorn with the same settings as the services."""

from uuid import uuid4

import uvicorn
from fastapi import FastAPI, status

from services.arrears.schemas import SignalIn

app = FastAPI()


@app.post("/v1/signals", status_code=status.HTTP_202_ACCEPTED)
async def accept(body: SignalIn) -> dict[str, str]:
    return {"id": str(uuid4())}


if __name__ == "__main__":
    import sys

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
